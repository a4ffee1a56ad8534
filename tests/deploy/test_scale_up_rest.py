"""`make scale-up` exposes REST through nginx only with REST_TOKEN (issue #24): a
REST sender id is a bearer secret. The check runs before anything starts."""

import os
import subprocess
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[2]


def scale_up(tmp_path: Path, **settings: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("REST_TOKEN", "SCALE_REST_OPEN")}
    env.update(SCALE_DIR=str(tmp_path / "scale"), SCALE_MODEL=str(tmp_path / "none.tar.gz"))
    env.update(settings)
    return subprocess.run(
        ["bash", "scripts/scale_up.sh"],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_exposed_rest_without_a_token_is_refused(tmp_path: Path) -> None:
    refused = scale_up(tmp_path, SCALE_EXPOSE_REST="1")
    assert refused.returncode == 1
    assert "SCALE_EXPOSE_REST=1 needs REST_TOKEN" in refused.stderr
    assert not (tmp_path / "scale").exists()  # nothing was started or written


def test_with_a_token_or_rest_closed_the_checks_go_on(tmp_path: Path) -> None:
    """(They stop at the missing model, the next check.)"""
    for settings in (
        {"SCALE_EXPOSE_REST": "1", "REST_TOKEN": "a-token-for-this-test-only"},
        {"SCALE_EXPOSE_REST": "0"},
        {"SCALE_EXPOSE_REST": "1", "SCALE_REST_OPEN": "1"},
    ):
        stopped = scale_up(tmp_path, **settings)
        assert stopped.returncode == 1 and "no trained model" in stopped.stderr, settings
