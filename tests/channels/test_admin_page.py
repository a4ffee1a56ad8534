"""The analytics page's plain parts: sessions, filters, CSV and charts
(channels/admin_page.py, admin_html.py, admin_chart.py). The page itself runs
against real servers in tests/integration/test_admin_page.py."""

from __future__ import annotations

from datetime import date

import pytest

from channels.admin_chart import horizontal_bars, stacked_days
from channels.admin_html import to_csv
from channels.admin_page import BadRequest, Sessions, admin_token, parse_filters
from stores.analytics import Filters, Table

TOKEN = "a-test-token-of-enough-length"
NOW = 1_800_000_000.0


def test_a_session_cookie_is_valid_until_it_expires_and_only_for_its_token() -> None:
    sessions = Sessions(TOKEN)
    cookie = sessions.new(now=NOW)
    assert TOKEN not in cookie
    assert sessions.valid(cookie, now=NOW + 3600)
    assert not sessions.valid(cookie, now=NOW + 13 * 3600)  # 12 hours
    assert not Sessions(TOKEN + "-new").valid(cookie, now=NOW)  # a new token ends it
    expires, mac = cookie.split(".")
    later = str(int(expires) + 10**6)
    for forged in [f"{later}.{mac}", f"{expires}.{mac[:-1]}0", "", ".", "x.y", "é.ü", None]:
        assert not sessions.valid(forged, now=NOW), forged


def test_the_token_must_be_long_enough() -> None:
    assert admin_token({}) is None
    assert admin_token({"ADVISOR_ADMIN_TOKEN": "   "}) is None
    assert admin_token({"ADVISOR_ADMIN_TOKEN": "short"}) is None
    assert admin_token({"ADVISOR_ADMIN_TOKEN": f" {TOKEN} "}) == TOKEN


def test_filters_default_to_the_last_30_days_and_bad_ones_are_explained() -> None:
    today = date(2026, 12, 7)
    assert parse_filters({}, today) == Filters(date(2026, 11, 8), today)
    assert parse_filters({"from": "2026-12-01", "to": "2026-12-02", "channel": "slack"}, today) == (
        Filters(date(2026, 12, 1), date(2026, 12, 2), "slack")
    )
    for args, message in [
        ({"from": "01/12/2026"}, "YYYY-MM-DD"),
        ({"from": "2026-12-05", "to": "2026-12-01"}, "after the last day"),
        ({"from": "1990-01-01"}, "at most"),
        ({"channel": "fax"}, "Unknown channel"),
    ]:
        with pytest.raises(BadRequest, match=message):
            parse_filters(args, today)


def test_csv_cells_a_spreadsheet_would_run_are_quoted() -> None:
    table = Table("t", "T", ("message", "times"), [("=HYPERLINK(1)", 2), ("-1+1", 1), ("ok", 3)])
    assert to_csv(table).splitlines() == ["message,times", "'=HYPERLINK(1),2", "'-1+1,1", "ok,3"]


def test_charts_escape_their_labels_and_scale_to_the_largest_value() -> None:
    svg = horizontal_bars(["<script>x</script>", "b"], [4, 2], "count", "Things")
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    widths = [float(part.split('"')[0]) for part in svg.split('width="')[2:]]
    assert widths[0] == pytest.approx(2 * widths[1])
    columns = stacked_days(["2026-12-01", "2026-12-02"], {"web": [1, 0], "REST": [2, 3]}, "n")
    assert columns.count("<rect") == 3 + 2  # three non-zero parts and two legend keys
    assert horizontal_bars([], [], "empty", "Nothing").startswith("<svg")


def test_a_chart_is_one_image_named_with_its_numbers() -> None:
    bars = horizontal_bars(["payroll", "legal review"], [4, 2.5], "assessments", "Processes")
    assert 'role="img"' in bars
    assert 'aria-label="Processes, bar chart of assessments: payroll: 4; legal review: 2.5"' in bars
    columns = stacked_days(
        ["2026-12-01", "2026-12-02"], {"REST": [2.0, 3.0], "web": [1.0, 0.0]}, "conversations"
    )
    assert (
        'aria-label="Column chart of conversations per day from 2026-12-01 to 2026-12-02, '
        'by channel. Total: 6 conversations; REST: 5; web: 1"'
    ) in columns
