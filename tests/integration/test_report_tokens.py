"""Report tokens have one spelling (issue #24, finding 6): padding, the other base64
alphabet, unused bits or anything after the token give 404, and the page echoes its
own token only escaped."""

import base64

import requests

from tests.integration.test_report import PAYROLL, finish, link_button


def variants(token: str) -> list[str]:
    """Other spellings of (almost) the same bytes, and the token with junk after it."""
    raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    standard = base64.b64encode(raw).decode().rstrip("=")
    found = [
        token + "=",
        token + "==",
        token + "=" * (-len(token) % 4 or 4),
        token + "%3D%3D",
        token + "x",
        token + ".",
        token + "%00",
        token + "%20",
        " " + token,
    ]
    if standard != token:  # the same bytes in the other alphabet (+ and / for - and _)
        found.append(standard.replace("/", "%2F"))
    # The last character carries unused bits unless the length is a multiple of 4:
    # another character with the same used bits decodes to the same bytes.
    if len(token) % 4:
        alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
        last = alphabet.index(token[-1])
        unused = {2: 4, 3: 2}[len(token) % 4]
        for other in range(
            last - last % (1 << unused), last - last % (1 << unused) + (1 << unused)
        ):
            if other != last:
                found.append(token[:-1] + alphabet[other])
    return found


def test_other_spellings_of_a_valid_token_get_404(new_chat, rasa_server):
    chat = new_chat()
    finish(chat, PAYROLL)
    url = link_button(chat, "Open the report")["url"]
    base, token = url.rsplit("/", 1)
    assert requests.get(url, timeout=30).status_code == 200
    for other in variants(token):
        for suffix in ("", "/report.json"):
            answer = requests.get(f"{base}/{other}{suffix}", timeout=30)
            assert answer.status_code == 404, (other, suffix, answer.status_code)


def test_the_page_echoes_its_token_escaped(new_chat):
    chat = new_chat()
    finish(chat, PAYROLL)
    url = link_button(chat, "Open the report")["url"]
    token = url.rsplit("/", 1)[1]
    page = requests.get(url, timeout=30).text
    assert f'href="{token}/report.md"' in page
    bad = requests.get(url.rsplit("/", 1)[0] + "/x'\"><b>x", timeout=30)
    assert bad.status_code == 404 and "<b>x" not in bad.text
