"""Reading a Slack message's text takes linear time: a crafted signed message of the
largest size the channel parses (10,000 characters) is read in milliseconds, so it
cannot stall the Rasa server's event loop (issue #24, finding 2)."""

import time

import pytest

from channels.slack_text import MAX_RAW_CHARS, slack_text_to_plain

CRAFTED = ["<http:", "<mailto:", "<http://x|", "<@UBOT|", "<#C1|", "<@UBOT", "<<"]


@pytest.mark.parametrize("piece", CRAFTED)
def test_crafted_text_is_read_in_linear_time(piece: str) -> None:
    text = (piece * (MAX_RAW_CHARS // len(piece) + 1))[:MAX_RAW_CHARS]
    fastest = min(_seconds(text) for _ in range(3))
    assert fastest < 0.05, f"{fastest:.3f} s for {piece!r} x {MAX_RAW_CHARS // len(piece)}"


def _seconds(text: str) -> float:
    started = time.perf_counter()
    slack_text_to_plain(text, {"UBOT"})
    return time.perf_counter() - started


def test_mentions_links_and_channels_still_read_as_before() -> None:
    text = "hi <@UBOT> see <http://a.b|site>, <#C12|general> and <http://x.y> &lt;b&gt;"
    assert slack_text_to_plain(text, {"UBOT"}) == "hi see site, #general and http://x.y <b>"
