"""The README a newcomer reads: short, and every link in it works in a fresh clone."""

import re
from pathlib import Path

import pytest

PROJECT_DIR = Path(__file__).resolve().parents[2]
README = PROJECT_DIR / "README.md"
# Pages split out of the README, checked the same way (docs/slack.md links to Slack's own
# app settings on purpose).
PAGES = [README] + [
    PROJECT_DIR / page
    for page in (
        "docs/source.md",
        "docs/scoring-principles.md",
        "docs/security.md",
        "bench/README.md",
    )
]
LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)|<(https?://[^>]+)>")


def anchors(page: Path) -> set[str]:
    """GitHub's heading anchors: lowercase, punctuation dropped, spaces to dashes."""
    found = set()
    for line in page.read_text().splitlines():
        if line.startswith("#"):
            title = line.lstrip("#").strip().lower()
            found.add(re.sub(r"\s", "-", re.sub(r"[^\w\s-]", "", title)))
    return found


def links(page: Path) -> list[str]:
    text = re.sub(r"```.*?```", "", page.read_text(), flags=re.S)  # code blocks hold no links
    return [m.group(1) or m.group(2) for m in LINK.finditer(text)]


def test_readme_is_under_10_kb() -> None:
    assert len(README.read_bytes()) < 10 * 1024, "move a deep dive into its folder's README"


def test_the_readme_has_links_to_check() -> None:
    assert len(links(README)) >= 5


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(PROJECT_DIR)))
def test_every_link_resolves_inside_the_repository(page: Path) -> None:
    for target in links(page):
        assert not re.match(r"[a-z]+:", target), (
            f"{page.name}: link outside the repository: {target}"
        )
        path, _, anchor = target.partition("#")
        resolved = (page.parent / path).resolve() if path else page
        assert resolved.is_relative_to(PROJECT_DIR), f"{page.name}: {target} leaves the repository"
        assert resolved.exists(), f"{page.name}: {target} does not exist"
        if anchor and resolved.suffix == ".md":
            assert anchor in anchors(resolved), f"{page.name}: no heading #{anchor} in {path}"
