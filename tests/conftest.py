"""Every test process gets scripts/common.sh's environment defaults, as under `make test`
(so a bare `pytest` behaves the same: no telemetry, SQLAlchemy's 2.0 banner silenced...)."""

import os

from harness.env import defaults

for _name, _value in defaults().items():
    os.environ.setdefault(_name, _value)
