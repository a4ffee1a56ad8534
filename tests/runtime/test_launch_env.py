"""runtime/launch_env.py: secrets move from the environment into Rasa's arguments
(never the command line), the action server gets its own request limit."""

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from runtime.action_auth import MissingActionToken
from runtime.launch_env import (
    DEFAULT_ACTIONS_REQUEST_MAX_SIZE,
    SINGLE_THREADED_SERVING,
    LaunchError,
    prepare,
)

RUN = ["run", "--model", "m.tar.gz", "--port", "5005"]
TOKEN = {"ACTION_SERVER_TOKEN": "test-only-action-server-token-0123456789"}


@pytest.fixture(autouse=True)
def no_endpoints_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Rasa's default endpoints.yml is relative: here there is none (no action server)."""
    monkeypatch.chdir(tmp_path)


@pytest.fixture(autouse=True)
def keep_umask() -> Iterator[None]:
    """prepare() makes the process's files private (umask 077): undo it here."""
    old = os.umask(0o022)
    os.umask(old)
    yield
    assert os.umask(old) == 0o077


def test_without_secrets_the_admin_api_stays_off() -> None:
    assert prepare(RUN, {}) == RUN


def test_secrets_come_from_the_environment_and_leave_it() -> None:
    environ = {"RASA_API_TOKEN": "tok", "RASA_JWT_SECRET": "jwt", "OTHER": "x"}
    args = prepare(RUN, environ)
    assert args == [
        *RUN,
        "--enable-api",
        "--auth-token",
        "tok",
        "--jwt-secret",
        "jwt",
        "--jwt-method",
        "HS256",
    ]
    assert environ == {"OTHER": "x", **SINGLE_THREADED_SERVING}  # children don't inherit them
    assert prepare(RUN, {"RASA_JWT_SECRET": "jwt", "RASA_JWT_METHOD": "HS512"})[-4:] == [
        "--jwt-secret",
        "jwt",
        "--jwt-method",
        "HS512",
    ]


@pytest.mark.parametrize(
    "option", ["--auth-token", "--auth-token=x", "--jwt-secret", "--enable-api"]
)
def test_secrets_on_the_command_line_are_refused(option: str) -> None:
    with pytest.raises(LaunchError, match="environment"):
        prepare([*RUN, option, "x"], {})


def test_the_action_server_has_its_own_request_limit_and_no_secrets() -> None:
    environ = {"SANIC_REQUEST_MAX_SIZE": "262144", "RASA_API_TOKEN": "tok", **TOKEN}
    args = ["run", "actions", "--actions", "actions"]
    assert prepare(args, environ) == args
    assert environ == {
        "SANIC_REQUEST_MAX_SIZE": str(DEFAULT_ACTIONS_REQUEST_MAX_SIZE),
        "SANIC_HOST": "127.0.0.1",
        **TOKEN,
    }
    environ = {"ACTIONS_REQUEST_MAX_SIZE": "1000", "SANIC_HOST": "0.0.0.0", **TOKEN}
    prepare(args, environ)
    assert environ["SANIC_REQUEST_MAX_SIZE"] == "1000" and environ["SANIC_HOST"] == "0.0.0.0"
    with pytest.raises(LaunchError):
        prepare(args, {"ACTIONS_REQUEST_MAX_SIZE": "lots"})


def test_the_rasa_server_runs_tensorflow_on_one_thread_unless_told_otherwise() -> None:
    environ: dict[str, str] = {}
    prepare(RUN, environ)
    assert environ["TF_INTRA_OP_PARALLELISM_THREADS"] == "1"
    assert environ["TF_INTER_OP_PARALLELISM_THREADS"] == "1"
    assert environ["OMP_NUM_THREADS"] == "1"
    operator = {"TF_INTRA_OP_PARALLELISM_THREADS": "4"}
    prepare(RUN, operator)
    assert operator["TF_INTRA_OP_PARALLELISM_THREADS"] == "4"


def test_training_keeps_every_thread() -> None:
    environ: dict[str, str] = {}
    prepare(["train", "--force"], environ)
    assert not set(SINGLE_THREADED_SERVING) & set(environ)


@pytest.mark.parametrize("token", [None, "", "   ", "short-token"])
def test_neither_server_starts_without_the_action_server_token(
    token: str | None, tmp_path: Path
) -> None:
    environ = {} if token is None else {"ACTION_SERVER_TOKEN": token}
    with pytest.raises(MissingActionToken, match="ACTION_SERVER_TOKEN"):
        prepare(["run", "actions", "--actions", "actions"], dict(environ))
    (tmp_path / "endpoints.yml").write_text('action_endpoint:\n  url: "http://a:5055/webhook"\n')
    with pytest.raises(MissingActionToken, match="ACTION_SERVER_TOKEN"):
        prepare(RUN, dict(environ))


def test_the_rasa_server_sends_the_token_from_the_environment(tmp_path: Path) -> None:
    """Whatever endpoints file it starts with (default, --endpoints, --endpoints=), the
    action endpoint gets the header, with the secret as ${...} for Rasa to expand."""
    (tmp_path / "endpoints.yml").write_text(
        'action_endpoint:\n  url: "${ACTION_SERVER_URL}"\n  headers:\n    authorization: x\n'
        "tracker_store:\n  type: sql\n  password: ${DB_PASSWORD}\n"
    )
    for args in (RUN, [*RUN, "--endpoints", "endpoints.yml"], [*RUN, "--endpoints=endpoints.yml"]):
        prepared = prepare(args, dict(TOKEN))
        copy = Path(prepared[-1].split("=")[-1])
        assert copy != tmp_path / "endpoints.yml" and copy.stat().st_mode & 0o077 == 0
        text = copy.read_text()
        assert TOKEN["ACTION_SERVER_TOKEN"] not in text  # never written to disk
        config = yaml.safe_load(text)
        assert config["action_endpoint"] == {
            "url": "${ACTION_SERVER_URL}",
            "headers": {"Authorization": "Bearer ${ACTION_SERVER_TOKEN}"},
        }
        assert config["tracker_store"]["password"] == "${DB_PASSWORD}"
        assert "'$" not in text and '"$' not in text  # plain scalars: Rasa expands them
    # No endpoints file, or one without an action server: nothing to add.
    (tmp_path / "endpoints.yml").write_text("tracker_store:\n  type: sql\n")
    assert prepare(RUN, {}) == RUN
