"""Signed ids and sealed report links."""

import os
import time

import pytest

from advisor import report_link, signing
from runtime.settings import read


def keys() -> signing.Keyring:
    """The keyring the server's settings make of the current environment."""
    return read(os.environ).keyring


@pytest.fixture(autouse=True)
def secret(monkeypatch):
    monkeypatch.setenv(signing.SECRET_ENV, "unit-test-secret-" + "x" * 32)


def test_a_signed_value_verifies_and_a_changed_one_does_not():
    signed = keys().sign("socket-session", "abc123")
    assert keys().verify("socket-session", signed) == "abc123"
    assert keys().verify("socket-session", "abd123" + signed[6:]) is None
    assert keys().verify("socket-session", "abc123") is None
    assert keys().verify("socket-session", None) is None
    assert keys().verify("another-purpose", signed) is None


def test_another_secret_verifies_nothing(monkeypatch):
    signed = keys().sign("socket-session", "abc123")
    monkeypatch.setenv(signing.SECRET_ENV, "another-secret-" + "y" * 32)
    assert keys().verify("socket-session", signed) is None


def test_a_missing_or_short_secret_is_a_clear_error(monkeypatch):
    monkeypatch.setenv(signing.SECRET_ENV, "short")
    with pytest.raises(signing.MissingSecret, match="ADVISOR_SECRET_KEY"):
        keys().sign("x", "y")


def test_a_sealed_value_is_hidden_and_opens_only_for_its_purpose():
    token = keys().seal("report-link", "conversation-42")
    assert "conversation" not in token and token.isascii()
    assert keys().unseal("report-link", token, max_age=60) == "conversation-42"
    assert keys().unseal("other", token, max_age=60) is None
    assert keys().seal("report-link", "conversation-42") != token  # fresh nonce


@pytest.mark.parametrize(
    "damage",
    [
        lambda t: t[:-2],
        lambda t: t[:20] + ("B" if t[20] != "B" else "C") + t[21:],
        lambda t: t + "é",
    ],
)
def test_a_damaged_token_opens_nothing(damage):
    token = keys().seal("report-link", "conversation-42")
    assert keys().unseal("report-link", damage(token), max_age=60) is None


def test_an_old_token_has_expired():
    token = keys().seal("report-link", "c", now=1_000_000)
    assert keys().unseal("report-link", token, max_age=3600, now=1_003_000) == "c"
    assert keys().unseal("report-link", token, max_age=3600, now=1_004_000) is None


def test_report_links_carry_the_conversation_and_expire_with_retention():
    links = read(os.environ).report_links
    url = links.report_url("slack:T1:C2", "abcdefgh12345678")
    token = url.removeprefix("/report/")
    assert links.open_token(token) == ("slack:T1:C2", "abcdefgh12345678")
    two_days_old = keys().seal(report_link.PURPOSE, "r:c", now=time.time() - 2 * 86400)
    assert report_link.ReportLinks(keys(), "", 3).open_token(two_days_old) == ("c", "r")
    assert report_link.ReportLinks(keys(), "", 1).open_token(two_days_old) is None


def test_report_links_are_absolute_when_the_public_url_is_known(monkeypatch):
    monkeypatch.setenv("ADVISOR_PUBLIC_URL", "https://advisor.example.com/")
    assert (
        read(os.environ)
        .report_links.report_url("c", "abcdefgh12345678")
        .startswith("https://advisor.example.com/report/")
    )


@pytest.mark.parametrize("raw,days", [("", 30.0), ("7", 7.0), (" 0.5 ", 0.5)])
def test_the_retention_is_parsed_once_the_same_way(raw, days):
    assert report_link.retention_days(raw) == days


@pytest.mark.parametrize("raw", ["0", "-1", "thirty", "nan", "inf"])
def test_a_bad_retention_names_the_setting(raw):
    with pytest.raises(ValueError, match="CONVERSATION_RETENTION_DAYS"):
        report_link.retention_days(raw)


OLD = "old-secret-" + "o" * 32
NEW = "new-secret-" + "n" * 32


def test_tokens_have_one_spelling():
    token = keys().seal("report-link", "conversation-42")
    assert keys().unseal("report-link", token, max_age=60) == "conversation-42"
    raw = signing._decode(token)
    assert raw is not None
    standard = __import__("base64").b64encode(raw).decode().rstrip("=")
    others = [token + "=", token + "==", token + "x", token + " ", token[:-1], "=" + token]
    if standard != token:
        others.append(standard)
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    if len(token) % 4:  # the same bytes with an unused bit set in the last character
        last = alphabet.index(token[-1])
        others.append(token[:-1] + alphabet[last ^ 1])
    for other in others:
        assert keys().unseal("report-link", other, max_age=60) is None, other
    signed = keys().sign("socket-session", "abc123")
    for other in (signed + "=", signed.replace(".", ".="), signed + "A"):
        assert keys().verify("socket-session", other) is None, other


def test_rotated_keys_newest_first_keep_old_values_valid(monkeypatch):
    monkeypatch.delenv(signing.SECRET_ENV)
    monkeypatch.setenv(signing.ROTATION_ENV, OLD)
    old_session = keys().sign("socket-session", "abc123")
    old_link = keys().seal("report-link", "conversation-42")
    monkeypatch.setenv(signing.ROTATION_ENV, f"{NEW}, {OLD}")
    assert keys().verify("socket-session", old_session) == "abc123"  # grace: still valid
    assert keys().unseal("report-link", old_link, max_age=60) == "conversation-42"
    assert keys().sign("socket-session", "abc123") != old_session  # made with the newest
    new_link = keys().seal("report-link", "conversation-42")
    monkeypatch.setenv(signing.ROTATION_ENV, NEW)  # the old secret dropped: its values die
    assert keys().verify("socket-session", old_session) is None
    assert keys().unseal("report-link", old_link, max_age=60) is None
    assert keys().unseal("report-link", new_link, max_age=60) == "conversation-42"


def test_the_rotation_list_wins_and_every_key_must_be_long(monkeypatch):
    monkeypatch.setenv(signing.ROTATION_ENV, f"{NEW} short")
    with pytest.raises(signing.MissingSecret, match="ADVISOR_SECRET_KEYS"):
        keys().sign("x", "y")
    monkeypatch.setenv(signing.ROTATION_ENV, NEW)
    signed = keys().sign("x", "y")
    monkeypatch.delenv(signing.ROTATION_ENV)
    assert keys().verify("x", signed) is None  # ADVISOR_SECRET_KEY was not in the list
