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


OLD = "old-secret-" + "o" * 32
NEW = "new-secret-" + "n" * 32


def test_tokens_have_one_spelling():
    token = signing.seal("report-link", "conversation-42")
    assert signing.unseal("report-link", token, max_age=60) == "conversation-42"
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
        assert signing.unseal("report-link", other, max_age=60) is None, other
    signed = signing.sign("socket-session", "abc123")
    for other in (signed + "=", signed.replace(".", ".="), signed + "A"):
        assert signing.verify("socket-session", other) is None, other


def test_rotated_keys_newest_first_keep_old_values_valid(monkeypatch):
    monkeypatch.delenv(signing.SECRET_ENV)
    monkeypatch.setenv(signing.ROTATION_ENV, OLD)
    old_session = signing.sign("socket-session", "abc123")
    old_link = signing.seal("report-link", "conversation-42")
    monkeypatch.setenv(signing.ROTATION_ENV, f"{NEW}, {OLD}")
    assert signing.verify("socket-session", old_session) == "abc123"  # grace: still valid
    assert signing.unseal("report-link", old_link, max_age=60) == "conversation-42"
    assert signing.sign("socket-session", "abc123") != old_session  # made with the newest
    new_link = signing.seal("report-link", "conversation-42")
    monkeypatch.setenv(signing.ROTATION_ENV, NEW)  # the old secret dropped: its values die
    assert signing.verify("socket-session", old_session) is None
    assert signing.unseal("report-link", old_link, max_age=60) is None
    assert signing.unseal("report-link", new_link, max_age=60) == "conversation-42"


def test_the_rotation_list_wins_and_every_key_must_be_long(monkeypatch):
    monkeypatch.setenv(signing.ROTATION_ENV, f"{NEW} short")
    with pytest.raises(signing.MissingSecret, match="ADVISOR_SECRET_KEYS"):
        signing.sign("x", "y")
    monkeypatch.setenv(signing.ROTATION_ENV, NEW)
    signed = signing.sign("x", "y")
    monkeypatch.delenv(signing.ROTATION_ENV)
    assert signing.verify("x", signed) is None  # ADVISOR_SECRET_KEY was not in the list
