"""advisor/ is the plain-Python core: no Rasa, no environment, no I/O of its own.

Read from the source (ast), so a new import or call fails here before it is ever run.
Its settings (secret, public URL, retention, hand-off) are passed in by each process's settings
module (runtime/settings.py, actions/settings.py)."""

import ast
from pathlib import Path

import pytest

ADVISOR = Path(__file__).resolve().parents[2] / "advisor"
MODULES = sorted(ADVISOR.rglob("*.py"))

# Packages that talk to Rasa, the network, a database, the file system or other processes.
FORBIDDEN_IMPORTS = (
    "rasa", "rasa_sdk", "sanic", "aiohttp", "requests", "httpx", "urllib", "http",
    "socket", "ssl", "sqlite3", "sqlalchemy", "psycopg2", "redis", "subprocess", "shutil",
)  # fmt: skip
ENVIRONMENT = {"environ", "getenv", "putenv"}
# Reading the environment; `open` and file methods are I/O.
FORBIDDEN_NAMES = {"environ", "getenv", "putenv", "open", "read_text", "write_text",
                   "read_bytes", "write_bytes"}  # fmt: skip
# The trained models of advisor/reading/ load and save their own files, when
# components/ (Rasa's persistence) hands them a folder, and the lemma tables of
# spaCy's lookups package: the only I/O allowed in advisor/.
MODEL_FILES = {
    "reading/answer_model.py",
    "reading/kind_model.py",
    "reading/linear_text.py",
    "reading/nlp.py",
}


def _names(tree: ast.AST) -> tuple[set[str], set[str]]:
    imported: set[str] = set()
    used: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            imported.add(node.module)
            used.update(alias.name for alias in node.names)
        elif isinstance(node, ast.Attribute):
            used.add(node.attr)
        elif isinstance(node, ast.Name):
            used.add(node.id)
    return imported, used


def test_every_module_is_checked() -> None:
    assert len(MODULES) > 20
    assert all((ADVISOR / name).is_file() for name in MODEL_FILES)


@pytest.mark.parametrize("module", MODULES, ids=lambda p: str(p.relative_to(ADVISOR)))
def test_no_rasa_no_environment_no_io(module: Path) -> None:
    imported, used = _names(ast.parse(module.read_text(encoding="utf-8")))
    bad = {name for name in imported if name.split(".")[0] in FORBIDDEN_IMPORTS}
    assert not bad, f"advisor/ must not import {sorted(bad)}"
    assert not used & ENVIRONMENT, "settings are passed in, not read"
    if str(module.relative_to(ADVISOR)) not in MODEL_FILES:
        io = used & (FORBIDDEN_NAMES - ENVIRONMENT)
        assert not io, f"no I/O in the core: {sorted(io)}"


def test_the_check_can_fail() -> None:
    imported, used = _names(
        ast.parse("import os\nfrom rasa.core import x\nos.environ.get('A')\nopen('f')")
    )
    assert "rasa.core" in imported and {"environ", "open"} <= used
