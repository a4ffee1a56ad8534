"""nginx passes the operators' page /admin/ to a replica only when the page is on
(ADVISOR_ADMIN_TOKEN set, as scale_up.sh's environment); otherwise it is 404 at
nginx. The real nginx in front of a stub replica, as in test_nginx_limits.py; the
replicas' own refusal without the token: tests/integration/test_admin_scale_out.py."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from deploy.nginx.render import render
from tests.integration.test_nginx_limits import GOOD, Nginx, _start_nginx, not_served

ADMIN = [
    ("GET", "/admin/"),
    ("GET", "/admin/export/funnel.csv?from=2026-12-01"),
    ("POST", "/admin/login"),
]
NEVER = [
    ("GET", "/admin"),
    ("GET", "/admin/../status"),
    ("GET", "/admin/%2e%2e/version"),
    ("GET", "/ADMIN/"),
]


@pytest.fixture(scope="module")
def nginx_admin() -> Iterator[Nginx]:
    yield from _start_nginx(
        expose_rest=False, extra={"ADVISOR_ADMIN_TOKEN": "some-token-value-xyz"}
    )


@pytest.fixture(scope="module")
def nginx_plain() -> Iterator[Nginx]:
    yield from _start_nginx(expose_rest=False)


def test_admin_reaches_a_replica_only_when_enabled(nginx_admin: Nginx) -> None:
    for method, path in ADMIN:
        got = nginx_admin.request(method, path)
        assert (got.status, got.body) == (200, b"replica"), (method, path, got)
    nginx_admin.stub.seen.clear()
    for method, path in NEVER:
        assert not_served(nginx_admin.request(method, path), path), (method, path)
    assert nginx_admin.stub.seen == []


def test_admin_is_404_at_nginx_when_off(nginx_plain: Nginx) -> None:
    for method, path in ADMIN + NEVER:
        assert not_served(nginx_plain.request(method, path), path), (method, path)
    assert nginx_plain.stub.seen == [], f"reached the replica: {nginx_plain.stub.seen}"


def test_the_token_is_never_written_into_the_configuration() -> None:
    token = "a-secret-admin-token-value"
    text = render({**GOOD, "ADVISOR_ADMIN_TOKEN": token})
    assert token not in text and "analytics page is enabled" in text
    assert "return 404;  # the analytics page is off" in render(GOOD)
    assert "return 404;  # the analytics page is off" in render(
        {**GOOD, "ADVISOR_ADMIN_TOKEN": " "}
    )
