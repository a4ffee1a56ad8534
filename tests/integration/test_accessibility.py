"""WCAG 2.2 AA for the chat page, a report and the portfolio page (issue #27), in
Debian's Chromium driven by Playwright, against the real Rasa and action servers:

* axe-core (npm, web/node_modules/axe-core; Playwright injects it, users never get it)
  finds no WCAG 2.x A/AA violation on the chat page empty, mid-assessment and after a
  recommendation, on a report and on the portfolio page;
* Chromium's own accessibility tree shows every quick reply as a button named by its
  title, in a group named by its question; the input and every control are named;
* a keyboard-only walk (Tab, Shift+Tab, Enter, Space) completes an assessment and opens
  the report, with visible focus that moves to each new question's first option; the
  live region receives each bot message exactly once, and none again after a reload;
* at 320 px and at 200 % zoom the page does not scroll sideways; tables scroll in a
  labelled region and print whole; reduced motion stops the animations;
* the operators' admin pages (login, overview, mix, understanding, the conversation
  list with a search, a transcript, an error) pass axe and the same rules, over the
  conversations of the session's admin server (tests/integration/admin_stack.py), and
  can be used by keyboard alone: log in, move between pages, filter, search, open a
  transcript and download its CSV.

axe alone sees little of this (with rasa-webchat's unnamed `div` quick replies it
reported one violation per page), hence the tree and the keyboard walk.
"""

import os
import re
import shutil
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from advisor.sourcing import MODELS
from harness.servers import PROJECT_DIR, Chat, RasaServer
from tests.integration.admin_stack import ASSESSMENTS, TOKEN
from tests.integration.browser import WAIT_MS, Widget
from tests.integration.test_report import LEGAL, PAYROLL, finish, link_button
from tests.integration.test_web_widget import _choose, _final_titles, _questions

AXE = PROJECT_DIR / "web" / "node_modules" / "axe-core" / "axe.min.js"
# Every WCAG 2.0, 2.1 and 2.2 success criterion of levels A and AA that axe checks.
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
SCREENSHOTS = PROJECT_DIR / "results" / "screenshots"
DOCS_SCREENSHOTS = PROJECT_DIR / "web" / "screenshots"

# Records what is added to live regions, from the first byte of every page, so a test
# can tell what a screen reader was given to announce (and how often).
LIVE_REGION_RECORDER = """
window.__announced = [];
new MutationObserver(records => {
  for (const record of records) {
    const target = record.target.nodeType === 1 ? record.target : record.target.parentElement;
    const region = target && target.closest('[aria-live], [role=log], [role=status], [role=alert]');
    if (!region) continue;
    for (const node of record.addedNodes) {
      window.__announced.push({
        announcer: region.classList.contains('ac-announcer'),
        text: node.textContent.trim(),
      });
    }
  }
}).observe(document, {childList: true, subtree: true});
"""

# The focused element as a keyboard user meets it.
FOCUSED_JS = """() => {
  const e = document.activeElement;
  const style = getComputedStyle(e);
  const box = e.getBoundingClientRect();
  const composer = document.querySelector('.ac-composer');
  const under = composer && !composer.contains(e) && e !== document.body
    ? box.bottom > composer.getBoundingClientRect().top + 1 : false;
  return {
    tag: e.tagName.toLowerCase(),
    text: (e.innerText || e.value || '').trim(),
    reply: e.matches('.ac-reply'),
    answered: e.getAttribute('aria-disabled') === 'true',
    input: e.matches('.ac-input'),
    outline: style.outlineStyle === 'none' ? 0 : parseFloat(style.outlineWidth),
    hiddenByComposer: under,
  };
}"""

# True once focus sits on the first open option of the newest message, a bot's.
FOCUS_ON_NEW_QUESTION_JS = """() => {
  const last = document.querySelector('.ac-transcript').lastElementChild;
  const first = last && last.classList.contains('ac-bot')
    && last.querySelector('.ac-reply:not([aria-disabled])');
  return !!first && document.activeElement === first;
}"""


def _axe_source() -> str:
    if not AXE.is_file():
        pytest.fail(f"{AXE} is missing: run `make setup` (axe-core is in web/package.json)")
    return AXE.read_text()


def axe_violations(page: Any) -> list[str]:
    """axe-core's WCAG A/AA violations on the page as it is now, one line each."""
    violations = page.evaluate(
        """async tags => {
            const result = await axe.run(document, {
                runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
            return result.violations.map(v => `${v.id} (${v.impact}): ${v.help} -- ` +
                v.nodes.map(n => n.target.join(' ') + ' ' + n.failureSummary).join(' | '));
        }""",
        WCAG_AA,
    )
    return list(violations)


def ax_tree(page: Any) -> list[dict[str, str]]:
    """Chromium's accessibility tree, as assistive technology gets it: role, name and
    the name of the nearest enclosing group of every node that is not ignored."""
    session = page.context.new_cdp_session(page)
    try:
        nodes = session.send("Accessibility.getFullAXTree")["nodes"]
    finally:
        session.detach()
    by_id = {node["nodeId"]: node for node in nodes}

    def value(node: dict[str, Any], key: str) -> str:
        return str((node.get(key) or {}).get("value", ""))

    def group_of(node: dict[str, Any]) -> str:
        parent = by_id.get(node.get("parentId", ""))
        while parent is not None:
            if value(parent, "role") == "group":
                return value(parent, "name")
            parent = by_id.get(parent.get("parentId", ""))
        return ""

    return [
        {"role": value(node, "role"), "name": value(node, "name"), "group": group_of(node)}
        for node in nodes
        if not node.get("ignored")
    ]


def words(text: str) -> str:
    """Text as a comparison key: letters and digits only (markup, bullets and spacing
    differ between a message's HTML, its accessible name and its announcement)."""
    return re.sub(r"[^a-z0-9]+", "", text.lower())


def assert_named_controls(page: Any) -> None:
    tree = ax_tree(page)
    named = {(node["role"], node["name"]) for node in tree}
    assert ("textbox", "Your message to the advisor") in named, named
    assert ("button", "Send") in named
    assert ("button", "Start a new conversation") in named
    assert ("region", "Conversation with the Outsourcing Advisor") in named
    unnamed = [n for n in tree if n["role"] in ("button", "link", "textbox") and not n["name"]]
    assert not unnamed, unnamed


def assert_quick_replies_are_named_buttons(widget: Widget) -> int:
    """Every quick reply in the transcript is a button named by its title, in a group
    named by its question; returns how many there are."""
    buttons = [
        (words(n["name"]), words(n["group"])) for n in ax_tree(widget.page) if n["role"] == "button"
    ]
    count = 0
    for message in widget.bot_messages():
        for title in message["buttons"]:
            assert (words(title), words(message["text"])) in buttons, (title, message, buttons)
            count += 1
    return count


def assert_new_tab_links_say_so(page: Any) -> None:
    for text in page.locator("a[target=_blank]").all_inner_texts():
        assert "opens in a new tab" in text, text


def no_sideways_scroll(page: Any) -> bool:
    return bool(page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth"))


def screenshot(page: Any, name: str) -> None:
    """results/screenshots/<name>.png; web/README.md's copy when missing or on request."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.mouse.move(0, 0)  # no hover look on the last button clicked
    page.screenshot(path=str(path))
    docs = DOCS_SCREENSHOTS / f"{name}.png"
    if not docs.exists() or os.environ.get("UPDATE_DOCS_SCREENSHOT"):
        DOCS_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, docs)


@pytest.fixture
def open_browser(
    playwright_api: Any, rasa_server: RasaServer, tmp_path: Path
) -> Iterator[Callable[..., Widget]]:
    """Opens browser profiles with axe-core and the live-region recorder in every page."""
    opened: list[Widget] = []
    axe = _axe_source()

    def open_one(base_url: str | None = None, **options: Any) -> Widget:
        widget = Widget(
            playwright_api,
            base_url or rasa_server.base_url,
            tmp_path / f"profile-{len(opened)}",
            **options,
        )
        opened.append(widget)
        widget.context.add_init_script(script=axe)
        widget.context.add_init_script(script=LIVE_REGION_RECORDER)
        return widget

    try:
        yield open_one
    finally:
        for widget in opened:
            widget.close()


def answer_until_recommendation(widget: Widget, after: int) -> int:
    """Clicks BPO-leaning answers until the follow-up buttons come; returns the
    message index before the last answer."""
    questions, final_titles = _questions(), set(_final_titles())
    for _ in range(12):
        message = widget.wait_for_bot(after)
        # A click moves focus on too: to the new question's first option.
        widget.page.wait_for_function(FOCUS_ON_NEW_QUESTION_JS, timeout=WAIT_MS)
        if final_titles & set(message["buttons"]):
            return after
        after = widget.click(_choose(message["buttons"], questions))
    pytest.fail("no recommendation after 12 answers")


# --- the chat page -------------------------------------------------------------------


def test_chat_page_meets_wcag_aa_empty_mid_assessment_and_after_a_recommendation(
    open_browser: Callable[..., Widget],
) -> None:
    widget = open_browser()
    page = widget.page

    # Empty: the page before any message (the socket is kept from connecting).
    page.route("**/socket.io/**", lambda route: route.abort())
    page.goto(f"{widget.base_url}/chat/")
    page.wait_for_selector(".ac-input")
    assert widget.messages() == []
    assert axe_violations(page) == []
    assert_named_controls(page)
    page.unroute("**/socket.io/**")
    widget.errors.clear()  # the refused socket.io requests, on purpose

    widget.reload()
    widget.wait_for_bot(0)  # the greeting and its buttons
    assert assert_quick_replies_are_named_buttons(widget) >= 2
    assert axe_violations(page) == []

    after = widget.click("Assess my process")
    question = widget.wait_for_bot(after)
    after = widget.click(_choose(question["buttons"], _questions()))
    widget.wait_for_bot(after)  # mid-assessment: the second question
    assert axe_violations(page) == []
    assert_named_controls(page)
    assert assert_quick_replies_are_named_buttons(widget) >= 6

    after = answer_until_recommendation(widget, after)
    page.wait_for_timeout(500)  # the turn settles
    assert axe_violations(page) == []
    assert_named_controls(page)
    assert assert_quick_replies_are_named_buttons(widget) >= 12
    assert_new_tab_links_say_so(page)
    report_links = [n for n in ax_tree(page) if n["role"] == "link" and "report" in n["name"]]
    assert report_links and "opens in a new tab" in report_links[-1]["name"], report_links
    widget.assert_clean()


def keyboard_until(page: Any, key: str, wanted: Callable[[dict[str, Any]], bool]) -> dict[str, Any]:
    """Presses `key` until the focused element is `wanted`; focus must be visible and not
    hidden behind the composer at every stop."""
    for _ in range(40):
        page.keyboard.press(key)
        focused = page.evaluate(FOCUSED_JS)
        if focused["tag"] != "body":
            assert focused["outline"] >= 2, f"no visible focus on {focused}"
            assert not focused["hiddenByComposer"], f"focus hidden by the composer: {focused}"
        if wanted(focused):
            return focused
    pytest.fail(f"{key} never reached the wanted element")


def test_keyboard_only_assessment_opens_the_report_and_announces_each_message_once(
    open_browser: Callable[..., Widget],
) -> None:
    widget = open_browser()
    page = widget.page
    questions, final_titles = _questions(), set(_final_titles())
    widget.open()
    widget.wait_for_bot(0)

    # Tab forward to the message box, Shift+Tab back to the greeting's option.
    keyboard_until(page, "Tab", lambda f: f["input"])
    keyboard_until(page, "Shift+Tab", lambda f: f["text"] == "Assess my process")
    page.keyboard.press("Enter")

    keys = iter(["Space", "Enter"] * 10)
    for _ in range(12):
        page.wait_for_function(FOCUS_ON_NEW_QUESTION_JS, timeout=WAIT_MS)
        options = widget.messages()[-1]["buttons"]
        if final_titles & set(options):
            break
        focused = page.evaluate(FOCUSED_JS)
        assert focused["text"] == options[0] and focused["outline"] >= 2, focused
        # Answered questions' options are out of the tab order: Shift+Tab leaves the list.
        before = page.evaluate(FOCUSED_JS)
        page.keyboard.press("Shift+Tab")
        left = page.evaluate(FOCUSED_JS)
        assert not left["reply"], f"Shift+Tab from {before} reached an old option: {left}"
        page.keyboard.press("Tab")
        choice = _choose(options, questions)
        for _ in range(options.index(choice)):
            page.keyboard.press("Tab")
        assert page.evaluate(FOCUSED_JS)["text"] == choice
        page.keyboard.press(next(keys))
    else:
        pytest.fail("no recommendation after 12 answers")

    # Only the follow-up options are still in the tab order.
    open_replies = page.locator(Widget.OPEN_REPLIES).all_inner_texts()
    assert set(open_replies) <= final_titles, open_replies
    link = keyboard_until(page, "Tab", lambda f: f["tag"] == "a")
    assert link["text"].startswith("Open the report") and "opens in a new tab" in link["text"]
    with widget.context.expect_page() as opened:
        page.keyboard.press("Enter")
    report = opened.value
    report.wait_for_load_state()
    assert report.url.startswith(widget.base_url + "/report/")
    assert report.locator("svg[role=img]").count() == 1

    # The live region got every bot message once, in order, labelled "Advisor:".
    announced = [a["text"] for a in page.evaluate("window.__announced") if a["announcer"]]
    assert all(text.startswith("Advisor: ") for text in announced), announced
    bot_texts = [m["text"] for m in widget.bot_messages()]
    assert [words(text.removeprefix("Advisor: ")) for text in announced] == [
        words(text) for text in bot_texts
    ]
    # ...and the transcript labels who said what, for assistive technology.
    speakers = page.locator(".ac-message > .ac-visually-hidden").all_inner_texts()
    assert {s.strip() for s in speakers} == {"Advisor:", "You:"}

    # A reload shows the conversation again without announcing any of it.
    shown = widget.messages()
    widget.reload()
    page.wait_for_function(
        "n => document.querySelectorAll('.ac-transcript > .ac-message').length >= n",
        arg=len(shown),
        timeout=WAIT_MS,
    )
    page.wait_for_timeout(1500)
    assert [m["text"] for m in widget.messages()] == [m["text"] for m in shown]
    assert [a for a in page.evaluate("window.__announced") if a["announcer"]] == []
    open_replies = page.locator(Widget.OPEN_REPLIES).all_inner_texts()
    assert set(open_replies) <= final_titles, open_replies
    widget.assert_clean()


def test_whitespace_only_messages_are_not_sent(open_browser: Callable[..., Widget]) -> None:
    widget = open_browser()
    page = widget.page
    widget.open()
    widget.wait_for_bot(0)
    count = len(widget.messages())

    page.focus(Widget.INPUT)
    page.keyboard.press("Space")
    page.keyboard.press("Enter")
    page.fill(Widget.INPUT, " \t  ")
    page.click(".ac-send")
    page.wait_for_timeout(1500)
    assert len(widget.messages()) == count
    assert page.locator(".ac-hint").inner_text() == "Type a message first."
    assert page.evaluate("document.activeElement.matches('.ac-input')")

    before = widget.say("  what is bpo?  ")  # real text still goes, trimmed
    widget.wait_for_bot(before, "Business Process Outsourcing")
    assert widget.messages()[before]["text"] == "what is bpo?"
    assert page.locator(".ac-hint").inner_text() == ""


@pytest.mark.parametrize(
    "name, options",
    [
        ("chat-320px", {"viewport": {"width": 320, "height": 640}}),
        # 200 % zoom of a 1280x800 window: half as many CSS pixels, each drawn twice.
        ("chat-zoom-200", {"viewport": {"width": 640, "height": 400}, "device_scale_factor": 2}),
    ],
)
def test_chat_page_reflows_at_320px_and_200_percent_zoom(
    open_browser: Callable[..., Widget], name: str, options: dict[str, Any]
) -> None:
    widget = open_browser(**options)
    page = widget.page
    widget.open()
    widget.wait_for_bot(0)
    after = widget.click("Assess my process")
    widget.wait_for_bot(after)
    page.wait_for_timeout(500)

    width = options["viewport"]["width"]
    assert no_sideways_scroll(page), page.evaluate("document.documentElement.scrollWidth")
    for selector in (Widget.OPEN_REPLIES, Widget.INPUT, ".ac-send"):
        for box in [e.bounding_box() for e in page.locator(selector).all()]:
            assert box and box["x"] >= 0 and box["x"] + box["width"] <= width, (selector, box)
    # The composer stays in view at the bottom while the page scrolls.
    input_box = page.locator(Widget.INPUT).bounding_box()
    assert input_box and input_box["y"] + input_box["height"] <= options["viewport"]["height"]
    assert axe_violations(page) == []
    screenshot(page, name)


def test_reduced_motion_is_honoured(open_browser: Callable[..., Widget]) -> None:
    widget = open_browser()
    page = widget.page
    widget.open()
    widget.wait_for_bot(0)
    animation = "() => getComputedStyle(document.querySelector('.ac-message')).animationName"
    assert page.evaluate(animation) == "ac-rise"  # animated by default...
    page.emulate_media(reduced_motion="reduce")
    assert page.evaluate(animation) == "none"  # ...not when the user asks for less motion
    dots = "() => getComputedStyle(document.querySelector('.ac-dots span')).animationName"
    assert page.evaluate(dots) == "none"


# --- the report and portfolio pages ----------------------------------------------------


@pytest.fixture
def report_urls(rasa_server: RasaServer) -> tuple[str, str]:
    """A finished conversation's report and portfolio pages (two processes)."""
    chat = Chat(rasa_server.base_url)
    finish(chat, PAYROLL)
    report = link_button(chat, "Open the report")["url"]
    finish(chat, LEGAL, start="/assess_another")
    chat.text("/compare_processes")
    return report, link_button(chat, "Open the comparison")["url"]


def chart_totals(page: Any) -> list[list[str]]:
    """The totals per row of the page's table: the tfoot of a report, every row of a
    portfolio (BPO, KPO, in-house)."""
    rows = page.locator("tfoot tr, table.portfolio tbody tr").all()
    return [row.locator("td.num").all_inner_texts() for row in rows]


@pytest.mark.parametrize("which", ["report", "portfolio"])
def test_report_and_portfolio_pages_meet_wcag_aa(
    open_browser: Callable[..., Widget], report_urls: tuple[str, str], which: str
) -> None:
    widget = open_browser()
    page = widget.page
    page.goto(report_urls[0] if which == "report" else report_urls[1])
    assert axe_violations(page) == []

    # The chart is one image whose name states the totals of the table.
    charts = page.locator("figure.chart svg")
    assert charts.count() == 1
    assert charts.first.get_attribute("role") == "img"
    name = charts.first.get_attribute("aria-label") or ""
    totals = chart_totals(page)
    assert totals and all(len(row) == len(MODELS) for row in totals), totals
    for row in totals:
        stated = ", ".join(
            f"{m.short_name} {points}" for m, points in zip(MODELS, row, strict=True)
        )
        assert stated in name, (stated, name)
    assert any(n["role"] == "image" and n["name"] == name for n in ax_tree(page))
    assert_new_tab_links_say_so(page)

    # Every table sits in a labelled, focusable region.
    tables = page.locator("table")
    regions = page.locator("[role=region][aria-label][tabindex='0'] > table")
    assert tables.count() >= 1 and regions.count() == tables.count()

    # 320 px: the page does not scroll sideways; a wide table scrolls in its region.
    page.set_viewport_size({"width": 320, "height": 640})
    assert no_sideways_scroll(page)
    scrolls = page.evaluate(
        "() => [...document.querySelectorAll('.table-scroll')].some(r => "
        "r.scrollWidth > r.clientWidth && getComputedStyle(r).overflowX === 'auto')"
    )
    assert scrolls, "no table scrolls inside its region at 320 px"
    assert axe_violations(page) == []
    page.locator(".table-scroll").last.evaluate("r => r.scrollIntoView({block: 'start'})")
    screenshot(page, f"{which}-320px")

    # Printed, nothing is cut off: tables are whole, the chart stays a named image.
    page.set_viewport_size({"width": 700, "height": 1000})
    page.emulate_media(media="print")
    clipped = page.evaluate(
        "() => [...document.querySelectorAll('.table-scroll')]"
        ".filter(r => r.scrollWidth > r.clientWidth + 1).length"
    )
    assert clipped == 0
    assert charts.first.is_visible() and charts.first.get_attribute("aria-label") == name
    widget.assert_clean()


# --- the admin pages -------------------------------------------------------------------

# Every admin page, over the conversations of `admin_server`: (path, its h1).
ADMIN_PAGES = [
    ("/admin/", "Overview"),
    ("/admin/mix", "Recommendations"),
    ("/admin/understanding", "Understanding"),
    ("/admin/conversations", "Conversations"),
    ("/admin/conversations?q=blorp", "Conversations"),
    (f"/admin/conversations/{ASSESSMENTS[0].sender}", f"Conversation {ASSESSMENTS[0].sender}"),
    ("/admin/?channel=fax", "Please check the filters"),
]

# Each chart with the table of its section: the chart's name must state the table's numbers.
CHARTS_JS = """() => [...document.querySelectorAll('main svg')].map(svg => {
  const section = svg.closest('section');
  return {
    role: svg.getAttribute('role'),
    name: svg.getAttribute('aria-label') || '',
    columns: [...section.querySelectorAll('thead th')].map(th => th.innerText.trim()),
    rows: [...section.querySelectorAll('tbody tr')]
      .map(tr => [...tr.cells].map(td => td.innerText.trim())),
  };
})"""

# The focused element: what it is, and whether its focus can be seen (an outline of at
# least 2 px or a box shadow) on the screen.
ADMIN_FOCUSED_JS = """() => {
  const e = document.activeElement;
  const style = getComputedStyle(e);
  const box = e.getBoundingClientRect();
  return {
    tag: e.tagName.toLowerCase(),
    id: e.id,
    name: e.getAttribute('name') || '',
    type: e.getAttribute('type') || '',
    text: (e.innerText || '').trim(),
    href: e.getAttribute('href') || '',
    inMain: !!e.closest('main') && e.id !== 'main',
    visible: (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2)
      || style.boxShadow !== 'none',
    onScreen: box.width > 0 && box.right > 0 && box.bottom > 0
      && box.left < innerWidth && box.top < innerHeight,
  };
}"""


def log_in(page: Any, base_url: str, path: str = "/admin/") -> None:
    page.goto(base_url + path)
    page.fill("input[name=token]", TOKEN)
    with page.expect_navigation():
        page.press("input[name=token]", "Enter")


def assert_admin_page_rules(page: Any, heading: str) -> None:
    """The rules every admin page follows, beyond axe's."""
    assert page.locator("h1").all_inner_texts() == [heading]
    tree = ax_tree(page)
    roles = {(n["role"], n["name"]) for n in tree}
    assert ("main", "") in roles and ("banner", "") in roles, roles
    # The skip link comes first and leads to the main content.
    first = page.evaluate(
        "() => [...document.querySelectorAll('a[href], button, input, select, [tabindex]')]"
        ".find(e => e.tabIndex >= 0).getAttribute('href')"
    )
    assert first == "#main" and page.locator("main#main").count() == 1
    controls = ("button", "link", "textbox", "searchbox", "combobox")
    unnamed = [n for n in tree if n["role"] in controls and not n["name"].strip()]
    assert not unnamed, unnamed
    unlabelled = page.evaluate(
        "() => [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]"
        ".filter(e => !e.labels.length).map(e => e.name)"
    )
    assert unlabelled == []
    tables = page.locator("table")
    regions = page.locator("[role=region][aria-label$=', as a table'][tabindex='0'] > table")
    assert regions.count() == tables.count()
    assert_new_tab_links_say_so(page)
    assert_charts_state_their_numbers(page, tree)


def assert_charts_state_their_numbers(page: Any, tree: list[dict[str, str]]) -> None:
    images = {n["name"] for n in tree if n["role"] == "image"}
    for chart in page.evaluate(CHARTS_JS):
        name, columns, rows = chart["name"], chart["columns"], chart["rows"]
        assert chart["role"] == "img" and name in images, chart
        if name.startswith("Column chart"):  # conversations per day, stacked by channel
            totals = {c: sum(int(row[i]) for row in rows) for i, c in enumerate(columns[1:], 1)}
            assert f"Total: {totals['conversations']} conversations;" in name, chart
            for column in columns[3::2]:  # "<channel> conversations"
                assert f"{column.removesuffix(' conversations')}: {totals[column]}" in name
        else:  # one bar per row: "<label>: <value>", the value one of the row's cells
            assert rows, chart
            for row in rows:
                said = re.search(re.escape(row[0]) + r": ([^;]+)", name)
                assert said and said.group(1) in row[1:], (row, name)


def assert_clean_but_for_the_status_codes(browser: Widget) -> None:
    """Nothing from elsewhere, no script error: Chromium's console notes of the login
    form's 401 and a bad filter's 400 (the pages' statuses, on purpose) aside."""
    browser.errors[:] = [e for e in browser.errors if not re.search(r"status of 40[01]\b", e)]
    browser.assert_clean()


def assert_nothing_animates(page: Any) -> None:
    moving = page.evaluate(
        "() => [...document.querySelectorAll('*')].filter(e => {"
        " const s = getComputedStyle(e); return s.animationName !== 'none'"
        " || s.transitionDuration.split(',').some(d => parseFloat(d) > 0); }).length"
    )
    assert moving == 0


def test_admin_pages_meet_wcag_aa(
    open_browser: Callable[..., Widget], admin_server: RasaServer, conversations: Any
) -> None:
    """Login form (with its error), every page over real conversations, at full width,
    at 320 px and printed."""
    browser = open_browser(admin_server.base_url, viewport={"width": 1100, "height": 900})
    page = browser.page
    page.emulate_media(reduced_motion="reduce")

    page.goto(admin_server.base_url + "/admin/")
    assert axe_violations(page) == []
    assert_admin_page_rules(page, "Log in")
    page.fill("input[name=token]", "not-the-token")
    with page.expect_navigation():
        page.press("input[name=token]", "Enter")
    # The error is an alert, and describes the field, which has focus again.
    alert = page.locator("[role=alert]")
    assert alert.inner_text() == "That token is not right."
    assert page.evaluate(
        "() => document.activeElement.name === 'token' && document.getElementById("
        "document.activeElement.getAttribute('aria-describedby')).getAttribute('role') === 'alert'"
    )
    assert any(n["role"] == "alert" for n in ax_tree(page))
    assert axe_violations(page) == []

    log_in(page, admin_server.base_url)
    charts = 0
    for path, heading in ADMIN_PAGES:
        page.set_viewport_size({"width": 1100, "height": 900})
        page.emulate_media(media="screen")
        page.goto(admin_server.base_url + path)
        assert axe_violations(page) == [], path
        assert_admin_page_rules(page, heading)
        assert_nothing_animates(page)
        charts += page.locator("svg[role=img]").count()

        # 320 px: no page-wide sideways scroll; wide tables scroll in their region.
        page.set_viewport_size({"width": 320, "height": 640})
        assert no_sideways_scroll(page), (path, page.evaluate("document.body.scrollWidth"))
        assert axe_violations(page) == [], path
        if path == "/admin/":
            page.locator("#t-funnel").scroll_into_view_if_needed()
            screenshot(page, "admin-320px")
        if "/conversations/" in path:  # the transcript's table is wider than 320 px
            assert page.evaluate(
                "() => [...document.querySelectorAll('.table-scroll')].some(r => "
                "r.scrollWidth > r.clientWidth && getComputedStyle(r).overflowX === 'auto')"
            )

        # Printed: the controls go, the tables print whole, the charts keep their names.
        page.set_viewport_size({"width": 700, "height": 1000})
        page.emulate_media(media="print")
        printed = page.evaluate(
            "() => ({clipped: [...document.querySelectorAll('.table-scroll')]"
            ".filter(r => r.scrollWidth > r.clientWidth + 1).length,"
            " controls: [...document.querySelectorAll('nav, form, .csv, .skip')]"
            ".filter(e => e.getClientRects().length).length,"
            " charts: [...document.querySelectorAll('svg[role=img][aria-label]')]"
            ".filter(e => e.getClientRects().length).length})"
        )
        assert printed == {
            "clipped": 0,
            "controls": 0,
            "charts": page.locator("svg").count(),
        }, (path, printed)
    assert charts >= 5  # activity, funnel, recommendations, certainty, processes, understanding
    assert_clean_but_for_the_status_codes(browser)


def tab_to(page: Any, key: str, wanted: Callable[[dict[str, Any]], bool]) -> dict[str, Any]:
    """Presses `key` until the focused element is `wanted`; focus must be visible and on
    the screen at every stop."""
    for _ in range(40):
        page.keyboard.press(key)
        focused = page.evaluate(ADMIN_FOCUSED_JS)
        if focused["tag"] != "body":
            assert focused["visible"], f"no visible focus on {focused}"
            assert focused["onScreen"], f"focus off the screen: {focused}"
        if wanted(focused):
            return focused
    pytest.fail(f"{key} never reached the wanted element on {page.url}")


def arrive(page: Any, heading: str) -> None:
    """After a page loads: the first Tab reaches the skip link, Enter on it moves focus to
    the page's content, and the next Tab to the first control in it."""
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == heading
    skip = tab_to(page, "Tab", lambda f: True)
    assert skip["text"] == "Skip to the content", skip
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    assert tab_to(page, "Tab", lambda f: True)["inMain"]


def conversation_ids(page: Any) -> list[str]:
    return page.locator("#t-conversations ~ .table-scroll tbody td:first-child").all_inner_texts()


def test_admin_pages_by_keyboard_only_at_200_percent_zoom(
    open_browser: Callable[..., Widget], admin_server: RasaServer, conversations: Any
) -> None:
    """Tab, Shift+Tab, Enter and Space (and typing into the fields), in a 1280x800
    window at 200 % zoom: log in, visit the pages, filter, search, open a transcript,
    download its CSV."""
    browser = open_browser(
        admin_server.base_url,
        viewport={"width": 640, "height": 400},
        device_scale_factor=2,
        locale="en-US",
    )
    page = browser.page
    page.goto(admin_server.base_url + "/admin/")
    assert page.evaluate(ADMIN_FOCUSED_JS)["name"] == "token"  # the form's field has focus
    page.keyboard.type(TOKEN)
    tab_to(page, "Tab", lambda f: f["text"] == "Log in")
    with page.expect_navigation():
        page.keyboard.press("Space")

    arrive(page, "Overview")
    for label in ("Recommendations", "Understanding", "Conversations"):
        # Back from the filters to the page links, which come before them.
        tab_to(page, "Shift+Tab", lambda f, label=label: f["text"] == label)
        with page.expect_navigation():
            page.keyboard.press("Enter")
        arrive(page, label)
        assert no_sideways_scroll(page)
    screenshot(page, "admin-zoom-200")
    everyone = conversation_ids(page)
    assert len(everyone) == 8

    # Filter: from the day the web conversation started, in the web channel only. The
    # first field has focus; the browser's date field takes mm/dd/yyyy in en-US.
    started = page.evaluate(
        "web => [...document.querySelectorAll('tbody tr')]"
        ".find(tr => tr.cells[0].innerText.trim() === web).cells[2].innerText.slice(0, 10)",
        conversations["web"],
    )
    day = date.fromisoformat(started)
    assert page.evaluate(ADMIN_FOCUSED_JS)["name"] == "from"
    page.keyboard.type(day.strftime("%m%d%Y"))
    tab_to(page, "Tab", lambda f: f["name"] == "channel")
    page.keyboard.type("web")  # the select's type-ahead
    tab_to(page, "Tab", lambda f: f["text"] == "Show")
    with page.expect_navigation():
        page.keyboard.press("Space")
    arrive(page, "Conversations")
    assert f"from={day.isoformat()}" in page.url and "channel=socketio" in page.url
    assert conversation_ids(page) == [conversations["web"]]

    # Search every channel for a message's words; Enter in the field sends the form.
    tab_to(page, "Tab", lambda f: f["name"] == "channel")
    page.keyboard.type("all")
    tab_to(page, "Tab", lambda f: f["name"] == "q")
    page.keyboard.type("blorp")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    arrive(page, "Conversations")
    assert conversation_ids(page) == ["admin-odd"]

    # Open the transcript, then download its CSV.
    tab_to(page, "Tab", lambda f: f["text"] == "admin-odd")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    arrive(page, "Conversation admin-odd")
    tab_to(page, "Tab", lambda f: "transcript.csv" in f["href"])
    with page.expect_download() as download:
        page.keyboard.press("Enter")
    saved = download.value.path()
    assert download.value.suggested_filename == "transcript.csv"
    assert "zxqv blorp fnord" in Path(saved).read_text()
    assert_clean_but_for_the_status_codes(browser)
