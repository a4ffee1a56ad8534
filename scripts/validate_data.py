"""Run `rasa data validate` and fail on errors or on any warning that
tests/validation_allowlist.yml does not explain."""

import re
import subprocess
import sys
from pathlib import Path

import yaml

ALLOWLIST = Path("tests/validation_allowlist.yml")
# Rasa prints warnings as "...UserWarning: <message>" up to an ANSI reset code.
WARNING = re.compile(r"UserWarning: (.*?)(?:\x1b\[0m|$)", re.S)


def main() -> None:
    rasa = str(Path(sys.executable).with_name("rasa"))
    run = subprocess.run([rasa, "data", "validate"], capture_output=True, text=True)
    output = run.stdout + run.stderr
    allowed = [re.compile(entry["pattern"]) for entry in yaml.safe_load(ALLOWLIST.read_text())]
    warnings = [" ".join(w.split()) for w in WARNING.findall(output)]
    unexplained = [w for w in warnings if not any(p.search(w) for p in allowed)]
    print(
        f"rasa data validate: exit {run.returncode}, {len(warnings)} warnings, "
        f"{len(unexplained)} unexplained"
    )
    for warning in unexplained:
        print(f"  UNEXPLAINED: {warning}")
    if run.returncode != 0 or unexplained:
        print(output[-4000:])
        sys.exit(1)


if __name__ == "__main__":
    main()
