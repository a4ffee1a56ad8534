"""Signed ids and sealed report links."""

import pytest

from advisor import report_link, signing


@pytest.fixture(autouse=True)
def secret(monkeypatch):
    monkeypatch.setenv(signing.SECRET_ENV, "unit-test-secret-" + "x" * 32)


def test_a_signed_value_verifies_and_a_changed_one_does_not():
    signed = signing.sign("socket-session", "abc123")
    assert signing.verify("socket-session", signed) == "abc123"
    assert signing.verify("socket-session", "abd123" + signed[6:]) is None
    assert signing.verify("socket-session", "abc123") is None
    assert signing.verify("socket-session", None) is None
    assert signing.verify("another-purpose", signed) is None


def test_another_secret_verifies_nothing(monkeypatch):
    signed = signing.sign("socket-session", "abc123")
    monkeypatch.setenv(signing.SECRET_ENV, "another-secret-" + "y" * 32)
    assert signing.verify("socket-session", signed) is None


def test_a_missing_or_short_secret_is_a_clear_error(monkeypatch):
    monkeypatch.setenv(signing.SECRET_ENV, "short")
    with pytest.raises(signing.MissingSecret, match="ADVISOR_SECRET_KEY"):
        signing.sign("x", "y")


def test_a_sealed_value_is_hidden_and_opens_only_for_its_purpose():
    token = signing.seal("report-link", "conversation-42")
    assert "conversation" not in token and token.isascii()
    assert signing.unseal("report-link", token, max_age=60) == "conversation-42"
    assert signing.unseal("other", token, max_age=60) is None
    assert signing.seal("report-link", "conversation-42") != token  # fresh nonce


@pytest.mark.parametrize(
    "damage",
    [
        lambda t: t[:-2],
        lambda t: t[:20] + ("B" if t[20] != "B" else "C") + t[21:],
        lambda t: t + "é",
    ],
)
def test_a_damaged_token_opens_nothing(damage):
    token = signing.seal("report-link", "conversation-42")
    assert signing.unseal("report-link", damage(token), max_age=60) is None


def test_an_old_token_has_expired():
    token = signing.seal("report-link", "c", now=1_000_000)
    assert signing.unseal("report-link", token, max_age=3600, now=1_003_000) == "c"
    assert signing.unseal("report-link", token, max_age=3600, now=1_004_000) is None


def test_report_links_carry_the_conversation_and_expire_with_retention(monkeypatch):
    url = report_link.report_url("slack:T1:C2", "abcdefgh12345678")
    token = url.removeprefix("/report/")
    assert report_link.open_token(token) == ("slack:T1:C2", "abcdefgh12345678")
    monkeypatch.setenv("CONVERSATION_RETENTION_DAYS", "0")
    assert report_link.open_token(token) is None


def test_report_links_are_absolute_when_the_public_url_is_known(monkeypatch):
    monkeypatch.setenv("ADVISOR_PUBLIC_URL", "https://advisor.example.com/")
    assert report_link.report_url("c", "abcdefgh12345678").startswith(
        "https://advisor.example.com/report/"
    )
