"""The Dockerfiles the Helm values refer to: linted (no container engine here to build
them), and the action image installs exactly what actions/ and advisor/ import."""

import ast
import shutil
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest

PROJECT_DIR = Path(__file__).resolve().parents[2]
DOCKERFILES = sorted((PROJECT_DIR / "deploy" / "docker").glob("*.Dockerfile"))
HADOLINT = shutil.which("hadolint", path=str(Path(sys.executable).parent)) or shutil.which(
    "hadolint"
)
# import name -> distribution name, for the third-party packages the action image needs
DISTRIBUTIONS = {
    "rasa_sdk": "rasa-sdk",
    "spacy": "spacy",
    "spacy_lookups_data": "spacy-lookups-data",
    "numpy": "numpy",
    "scipy": "scipy",
    "sklearn": "scikit-learn",
    "yaml": "PyYAML",
    "cryptography": "cryptography",
}
FIRST_PARTY = {"actions", "advisor", "components"}


def test_both_images_exist() -> None:
    assert [path.name for path in DOCKERFILES] == ["actions.Dockerfile", "rasa.Dockerfile"]


@pytest.mark.skipif(HADOLINT is None, reason="hadolint is not installed (requirements-dev.txt)")
@pytest.mark.parametrize("dockerfile", DOCKERFILES, ids=lambda path: path.name)
def test_hadolint_finds_nothing(dockerfile: Path) -> None:
    assert HADOLINT is not None
    done = subprocess.run([HADOLINT, str(dockerfile)], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def _action_server_imports() -> set[str]:
    names: set[str] = set()
    for folder in ("actions", "advisor"):
        for path in (PROJECT_DIR / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.Import):
                    names.update(alias.name.split(".")[0] for alias in node.names)
                elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                    names.add(node.module.split(".")[0])
    return names - set(sys.stdlib_module_names) - FIRST_PARTY - {"__future__"}


def _pins(path: Path) -> dict[str, str]:
    pins = {}
    for line in path.read_text().splitlines():
        requirement = line.split("#")[0].strip()
        if "==" in requirement:
            name, pinned = requirement.split("==")
            pins[name.strip().lower()] = pinned.strip()
    return pins


def test_action_image_installs_what_actions_import_and_no_rasa() -> None:
    imports = _action_server_imports()
    assert "rasa" not in imports, "actions/ and advisor/ must not need Rasa itself"
    unknown = imports - set(DISTRIBUTIONS)
    assert not unknown, f"add these to requirements-actions.txt and DISTRIBUTIONS: {unknown}"
    pins = _pins(PROJECT_DIR / "requirements-actions.txt")
    for name in imports:
        assert DISTRIBUTIONS[name].lower() in pins, name
    assert "rasa" not in pins and "tensorflow" not in pins


def test_action_image_pins_the_versions_the_tests_run_with() -> None:
    for name, pinned in _pins(PROJECT_DIR / "requirements-actions.txt").items():
        assert version(name) == pinned, f"{name}: {version(name)} installed, {pinned} pinned"
