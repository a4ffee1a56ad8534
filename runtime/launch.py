"""The one entry point that starts Rasa (and the action server) for this project.

    python -m runtime.launch run --model models/outsourcing-advisor.tar.gz ...
    python -m runtime.launch run actions --actions actions --port 5055

takes exactly `rasa`'s arguments and runs Rasa's own command line in this
process, after

* runtime/launch_env.py settles umask, secrets and the action server's limits;
* `runtime.patches.install()` reads the Rasa server's settings (runtime/settings.py;
  the action server reads actions/settings.py when it loads the actions) and applies
  this project's changes to Rasa internals (the table in runtime/patches.py; version
  guard, RASA_RUNTIME_TUNING) for every command but `run actions`.

`run actions` starts rasa_sdk's action server directly (what Rasa's own `run
actions` calls), without importing Rasa, and with thinc's optional TensorFlow and
PyTorch back-ends hidden: spaCy (the advisor's lemmas) imports thinc, which
imports TensorFlow if it is installed, although the action server runs no model.
That keeps the action server's memory a fraction of Rasa's (bench/README.md).

Every server start uses it (scripts/servers.sh, scripts/scale_up.sh, harness/
for the tests and the benchmark, the Dockerfiles), whatever channels are
configured.
"""

import os
import sys

from runtime.launch_env import is_action_server, prepare

# Imported by thinc if present; the action server has no use for them.
UNUSED_IN_ACTION_SERVER = ("tensorflow", "torch", "mxnet")


def run_action_server(args: list[str]) -> None:
    for name in UNUSED_IN_ACTION_SERVER:
        sys.modules[name] = None  # type: ignore[assignment]  # `import` raises ImportError
    from rasa_sdk.__main__ import main_from_args
    from rasa_sdk.endpoint import create_argument_parser

    from actions.settings import action_settings
    from runtime.action_auth import require_token

    require_token(os.environ)  # every call but /health needs ACTION_SERVER_TOKEN
    try:
        action_settings()  # read once, now: a bad value stops the start with its name
    except ValueError as error:
        sys.exit(f"runtime.launch: {error}")

    options = create_argument_parser().parse_args(args)
    options.actions = options.actions or "actions"  # Rasa's default for `run actions`
    main_from_args(options)


def main(argv: list[str] | None = None) -> None:
    args = prepare(sys.argv[1:] if argv is None else argv)
    if is_action_server(args):
        run_action_server(args[2:])
        return
    from runtime import patches

    try:
        patches.install()  # reads runtime/settings.py first
    except ValueError as error:  # a setting that is no valid value: say which, no traceback
        sys.exit(f"runtime.launch: {error}")
    # In-process: sys.argv changes only this interpreter's copy; the kernel's
    # cmdline (ps) keeps the launcher's own arguments.
    from rasa.__main__ import main as rasa_main

    sys.argv = ["rasa", *args]
    rasa_main()


if __name__ == "__main__":
    main()
