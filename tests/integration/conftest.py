"""One action server and one Rasa server for the whole test session (per worker: CI runs
these modules on two workers, `pytest -n 2 --dist loadfile`, each module on one of them)."""

from collections.abc import Callable, Iterator

import pytest

from harness.servers import MODEL, ActionServer, Chat, RasaServer
from tests.integration.admin_stack import admin_server, conversations  # noqa: F401  (fixtures)
from tests.integration.browser import playwright_api, widget  # noqa: F401  (fixtures)
from tests.integration.fake_slack import FakeSlack

# The modules that take minutes, mostly waiting (a dead replica's lock ticket to expire,
# thousands of fuzzed requests): handed out first, so the other worker runs the rest meanwhile
# instead of both finishing with one of them alone.
LONGEST_FIRST = ("test_scale_out.py", "test_fuzz.py", "test_handoff.py", "test_restart.py")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    def rank(item: pytest.Item) -> int:
        name = item.path.name
        return LONGEST_FIRST.index(name) if name in LONGEST_FIRST else len(LONGEST_FIRST)

    items.sort(key=rank)  # stable: each module's tests keep their order


@pytest.fixture(scope="session")
def fake_slack() -> Iterator[FakeSlack]:
    """A local fake Slack Web API; the Rasa server's Slack channel talks to it."""
    with FakeSlack() as slack:
        yield slack


@pytest.fixture(scope="session")
def rasa_server(
    tmp_path_factory: pytest.TempPathFactory, fake_slack: FakeSlack
) -> Iterator[RasaServer]:
    if not MODEL.exists():
        pytest.fail(f"No trained model at {MODEL}: run `make test`, which trains first.")
    workdir = tmp_path_factory.mktemp("servers")
    actions = ActionServer(workdir)
    server = RasaServer(workdir, actions.url, workdir / "tracker.db", extra_env=fake_slack.env())
    # Report links are absolute, as in production (Slack needs that).
    actions.extra_env["ADVISOR_PUBLIC_URL"] = server.base_url
    actions.extra_env.update(fake_slack.env())  # hand-off on: the actions may offer it
    actions.start()
    try:
        yield server.start()
    finally:
        server.stop()
        actions.stop()


@pytest.fixture
def new_chat(rasa_server: RasaServer) -> Callable[[], Chat]:
    return lambda: Chat(rasa_server.base_url)


# Admin API credentials of `hardened_stack` (test-only values, not secrets).
API_TOKEN = "test-only-api-token-not-a-real-secret"
JWT_SECRET = "test-only-jwt-secret-at-least-32-bytes-long"
ALLOWED_ORIGIN = "https://chat.allowed.example"
# The hardened stack's per-conversation limit, as in production (scripts/common.sh).
MESSAGES_PER_MINUTE = 30


@pytest.fixture(scope="session")
def hardened_stack(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[RasaServer, ActionServer]]:
    """A Rasa server with the admin API (token + JWT) and exact-origin CORS, and its
    own action server that tests may stop and start (test_access.py,
    test_action_server_failure.py)."""
    if not MODEL.exists():
        pytest.fail(f"No trained model at {MODEL}: run `make test`, which trains first.")
    workdir = tmp_path_factory.mktemp("hardened")
    actions = ActionServer(workdir).start()
    server = RasaServer(
        workdir,
        actions.url,
        workdir / "tracker.db",
        # As in production: the launcher reads the secrets from the environment.
        extra_env={
            "RASA_API_TOKEN": API_TOKEN,
            "RASA_JWT_SECRET": JWT_SECRET,
            "RASA_JWT_METHOD": "HS256",
            "RASA_MAX_MESSAGES_PER_MINUTE": str(MESSAGES_PER_MINUTE),
        },
        extra_args=["--cors", ALLOWED_ORIGIN],
    )
    try:
        yield server.start(), actions
    finally:
        server.stop()
        actions.stop()
