"""The integration tests' server helpers; they live in the neutral harness package.

Kept so tests can keep importing `tests.integration.servers`; new code imports
`harness.servers` directly.
"""

from harness.env import PROJECT_DIR, server_env
from harness.servers import (
    CREDENTIALS,
    LAUNCHER,
    MODEL,
    ActionServer,
    Chat,
    RasaServer,
    free_port,
    write_endpoints,
)

__all__ = [
    "CREDENTIALS",
    "LAUNCHER",
    "MODEL",
    "PROJECT_DIR",
    "ActionServer",
    "Chat",
    "RasaServer",
    "free_port",
    "server_env",
    "write_endpoints",
]
