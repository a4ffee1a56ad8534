"""The blind sets are what their writers wrote: their checksums, recorded before the first
run, still hold, and no blind text has found its way into the training data."""

import hashlib
from pathlib import Path

import yaml

PROJECT_DIR = Path(__file__).resolve().parents[2]
BLIND = PROJECT_DIR / "tests" / "blind"


def _sets() -> list[Path]:
    return sorted(path for path in BLIND.iterdir() if path.is_dir())


# Labels and descriptions, not what the writer had the user type.
_NOT_TYPED = {"who", "gives", "opener_gives", "process_asked", "right_reply"}


def _texts(value: object) -> list[str]:
    if isinstance(value, dict):
        return [t for key, v in value.items() for t in _texts(v) if key not in _NOT_TYPED]
    if isinstance(value, list):
        return [t for item in value for t in _texts(item)]
    return [value] if isinstance(value, str) and len(value.split()) >= 4 else []


def test_every_blind_set_matches_its_recorded_checksums() -> None:
    assert _sets(), "no blind set"
    for folder in _sets():
        for line in (folder / "SHA256SUMS").read_text().splitlines():
            digest, name = line.split()
            actual = hashlib.sha256((folder / name).read_bytes()).hexdigest()
            assert actual == digest, f"{folder.name}/{name} changed after its first run"


# A blind writer may type a stock phrase that the training data held long before the set
# was written: a coincidence, not a leak (each with where it has been since).
_STOCK_PHRASES = {
    # in data/nlu/ since 3427c90 (2026-11-25); typed in set 2026-12-08
    "what does bpo stand for",
    "tell me a joke",
}


def test_no_blind_text_is_in_the_training_data() -> None:
    training = "\n".join(
        path.read_text(encoding="utf-8").lower()
        for folder in ("data/nlu", "data/answers", "data/kinds")
        for path in (PROJECT_DIR / folder).glob("*.yml")
    )
    for folder in _sets():
        for name in ("assessments.yml", "knowledge.yml"):
            for text in _texts(yaml.safe_load((folder / name).read_text(encoding="utf-8"))):
                typed = text.lower().strip()
                if typed not in _STOCK_PHRASES:
                    assert typed not in training, f"blind text trained on: {text!r}"
