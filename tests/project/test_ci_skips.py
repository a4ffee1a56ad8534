"""Under CI=true a skipped test fails the run (tests/conftest.py), so a missing nginx,
Redis, PostgreSQL or Chromium cannot leave CI green with its guarantees untested."""

import os
import subprocess
import sys
from pathlib import Path

SKIPPING_TEST = """
import pytest

def test_needs_a_service():
    pytest.skip("redis-server is not installed")
"""


def run_pytest(folder: Path, ci: str) -> subprocess.CompletedProcess[str]:
    (folder / "test_probe.py").write_text(SKIPPING_TEST)
    env = {**os.environ, "CI": ci}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "tests.conftest", "-q", "test_probe.py"],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_skip_fails_under_ci(tmp_path: Path) -> None:
    done = run_pytest(tmp_path, "true")
    assert done.returncode == 1, done.stdout
    assert "skipped under CI=true" in done.stdout
    assert "redis-server is not installed" in done.stdout


def test_a_skip_is_only_a_skip_on_a_developer_machine(tmp_path: Path) -> None:
    done = run_pytest(tmp_path, "")
    assert done.returncode == 0, done.stdout
    assert "1 skipped" in done.stdout
