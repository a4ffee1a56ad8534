"""Every `make` target the README names sets up before it runs anything from .venv
(issue #22: `make run` once ran the venv's Python while .venv did not exist yet, exit 127).

In a fresh clone, with no Python 3.10 to be found, each target must stop at set-up's own
message; a target that reached for .venv first fails with "No such file or directory"."""

import re
import subprocess
from pathlib import Path

import pytest

from tests.fresh_clone.clone import PROJECT_DIR, fresh_clone, newcomer_env

SETUP_MESSAGE = "Rasa 3.6 needs Python 3.10, and none was found"


def readme_targets() -> list[str]:
    readme = (PROJECT_DIR / "README.md").read_text()
    targets = sorted(set(re.findall(r"`make ([a-z][a-z-]*)", readme)))
    assert "run" in targets and "test" in targets
    return targets


# Targets that use no Python at all.
NEEDS_NO_VENV = {"clean", "scale-down", "help"}


@pytest.fixture(scope="module")
def clone_without_python(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    root = tmp_path_factory.mktemp("no-python")
    clone = fresh_clone(root)
    fake_bin = root / "bin"
    fake_bin.mkdir()
    for name in ("python3.10", "pyenv"):  # found on the PATH, but fail: no Python 3.10
        tool = fake_bin / name
        tool.write_text("#!/bin/sh\nexit 1\n")
        tool.chmod(0o755)
    env = newcomer_env()
    env["PATH"] = f"{fake_bin}:{env['PATH']}"
    return clone, env


@pytest.mark.parametrize("target", [t for t in readme_targets() if t not in NEEDS_NO_VENV])
def test_target_sets_up_before_using_the_venv(
    clone_without_python: tuple[Path, dict[str, str]], target: str
) -> None:
    clone, env = clone_without_python
    done = subprocess.run(
        ["make", target], cwd=clone, env=env, capture_output=True, text=True, timeout=120
    )
    output = done.stdout + done.stderr
    assert done.returncode != 0, output
    assert SETUP_MESSAGE in output, output[-2000:]
    assert "No such file or directory" not in output, output[-2000:]
    assert not (clone / ".venv").exists()
