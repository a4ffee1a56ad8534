"""The one entry point that starts Rasa (and the action server) for this project.

    python -m runtime.launch run --model models/outsourcing-advisor.tar.gz ...
    python -m runtime.launch run actions --actions actions --port 5055

takes exactly `rasa`'s arguments and runs Rasa's own command line in this
process, after

* runtime/launch_env.py settles umask, secrets and the action server's limits;
* `runtime.patches.install()` applies this project's changes to Rasa internals
  (the table in runtime/patches.py; version guard, RASA_RUNTIME_TUNING) for every
  command but `run actions` (the action server is rasa_sdk, not Rasa).

Every server start uses it (scripts/servers.sh, scripts/scale_up.sh, harness/
for the tests and the benchmark, the Dockerfiles), whatever channels are
configured.
"""

import sys

from runtime.launch_env import is_action_server, prepare


def main(argv: list[str] | None = None) -> None:
    args = prepare(sys.argv[1:] if argv is None else argv)
    if not is_action_server(args):
        from runtime import patches

        patches.install()
    # In-process: sys.argv changes only this interpreter's copy; the kernel's
    # cmdline (ps) keeps the launcher's own arguments.
    from rasa.__main__ import main as rasa_main

    sys.argv = ["rasa", *args]
    rasa_main()


if __name__ == "__main__":
    main()
