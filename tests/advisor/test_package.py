"""The advisor package is plain Python: no Rasa, and cheap to import."""

import subprocess
import sys
from pathlib import Path

ADVISOR = Path(__file__).resolve().parents[2] / "advisor"


def test_no_rasa_imports():
    for path in ADVISOR.rglob("*.py"):
        for line in path.read_text().splitlines():
            stripped = line.strip()
            if stripped.startswith(("import ", "from ")):
                assert "rasa" not in stripped, f"{path.name}: {stripped}"


def test_import_is_cheap_and_loads_no_spacy():
    code = "import sys, advisor; print('spacy' in sys.modules, 'rasa' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ADVISOR.parent, capture_output=True, text=True, check=True
    )
    assert out.stdout.split() == ["False", "False"]


def test_public_api():
    import advisor

    for name in (
        "parse_answers",
        "score",
        "render_final",
        "render_provisional",
        "render_why",
        "render_changes",
        "Answers",
        "QUESTIONS",
        "button_payload",
        "Recommendation",
    ):
        assert hasattr(advisor, name)
