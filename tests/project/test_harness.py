"""One harness: its environment comes from scripts/common.sh, and nothing edits sys.path."""

import ast
import subprocess
import sys
from pathlib import Path

from harness.env import COMMON_SH, defaults, server_env

PROJECT_DIR = Path(__file__).resolve().parents[2]
SOURCE_DIRS = ["actions", "advisor", "bench", "channels", "harness", "runtime", "scripts", "stores"]


def test_defaults_are_common_sh_exports() -> None:
    values = defaults()
    assert values["RASA_TELEMETRY_ENABLED"] == "false"
    assert values["SANIC_REQUEST_MAX_SIZE"] == "262144"
    assert values["RASA_ACTION_TIMEOUT"] == "3"
    assert "PYTHONPATH" not in values  # the project is installed (pip install -e .)
    for name, value in values.items():
        assert f"export {name}=" in COMMON_SH.read_text()
        assert "$" not in value


def test_server_env_pins_the_defaults_and_drops_a_developers_secrets(monkeypatch) -> None:
    monkeypatch.setenv("RASA_ACTION_TIMEOUT", "99")
    monkeypatch.setenv("RASA_API_TOKEN", "a-developer-token")
    env = server_env({"EXTRA": "1"})
    assert env["RASA_ACTION_TIMEOUT"] == "3"
    assert "RASA_API_TOKEN" not in env
    assert env["EXTRA"] == "1"


def _imports(path: Path) -> list[str]:
    names = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.append(node.module)
    return names


def test_bench_and_harness_do_not_import_tests() -> None:
    for folder in ("bench", "harness"):
        for path in (PROJECT_DIR / folder).rglob("*.py"):
            assert not [n for n in _imports(path) if n.split(".")[0] == "tests"], path


def _edits_sys_path(tree: ast.AST) -> bool:
    """sys.path.insert(...) / .append(...) / sys.path[...] = ... anywhere in `tree`."""
    for node in ast.walk(tree):
        target = (
            node.func.value
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            else None
        )
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Subscript):
            target = node.targets[0].value
        if target is not None and ast.unparse(target) == "sys.path":
            return True
    return False


def test_no_sys_path_edits() -> None:
    assert _edits_sys_path(ast.parse("import sys\nsys.path.insert(0, '.')"))
    for folder in [*SOURCE_DIRS, "tests"]:
        for path in (PROJECT_DIR / folder).rglob("*.py"):
            assert not _edits_sys_path(ast.parse(path.read_text())), path


def test_project_imports_from_anywhere() -> None:
    """`pip install -e .` (scripts/setup.sh): no PYTHONPATH, any working directory."""
    code = "import advisor, harness.env, bench.conversations; print('ok')"
    env = {"PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        [sys.executable, "-c", code], cwd="/", env=env, capture_output=True, text=True
    )
    assert done.stdout.strip() == "ok", done.stderr
