"""Each image holds what it runs: no container engine builds the images here, so the files
each Dockerfile's COPY lines name are copied into a temporary folder and everything the
image starts is imported from there alone (issue #22: the Rasa image once lacked advisor/
and components/, which its channels import).

The Python packages come from the test's venv, as the image's requirements would; the
project's own code only from the copy: the project root (which the editable install and
PYTHONPATH put on sys.path) is removed first.
"""

import fnmatch
import json
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

pytestmark = (
    pytest.mark.slow
)  # imports Rasa afresh for each image: CI runs it, `make unit` does not

PROJECT_DIR = Path(__file__).resolve().parents[2]
DOCKER_DIR = PROJECT_DIR / "deploy" / "docker"
# Built by `make train` before `docker build`; not code, so its absence is no gap.
BUILD_ARTIFACTS = ("models/",)


def _dockerignore() -> list[str]:
    lines = (PROJECT_DIR / ".dockerignore").read_text().splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def _ignored(relative: str, patterns: list[str]) -> bool:
    parts = relative.split("/")
    for pattern in patterns:
        bare = pattern.removeprefix("**/")
        if fnmatch.fnmatch(relative, pattern) or any(fnmatch.fnmatch(p, bare) for p in parts):
            return True
    return False


def copy_lines(dockerfile: Path) -> list[tuple[list[str], str]]:
    """(sources, destination) of every COPY instruction, continuation lines joined."""
    text = dockerfile.read_text().replace("\\\n", " ")
    copies = []
    for line in text.splitlines():
        if not line.strip().upper().startswith("COPY "):
            continue
        words = shlex.split(line.strip())
        if words:
            args = [word for word in words[1:] if not word.startswith("--")]
            copies.append((args[:-1], args[-1]))
    return copies


def build_context(dockerfile: Path, into: Path) -> Path:
    """Lay out /app as the image would, from exactly the files the COPY lines name."""
    patterns = _dockerignore()
    for sources, destination in copy_lines(dockerfile):
        for source in sources:
            if source.startswith(BUILD_ARTIFACTS):
                continue
            origin = PROJECT_DIR / source
            assert origin.exists(), f"{dockerfile.name} copies {source}, which does not exist"
            if origin.is_dir():
                target = into / destination
                for path in origin.rglob("*"):
                    relative = path.relative_to(PROJECT_DIR).as_posix()
                    if path.is_file() and not _ignored(relative, patterns):
                        placed = target / path.relative_to(origin)
                        placed.parent.mkdir(parents=True, exist_ok=True)
                        shutil.copy2(path, placed)
            else:
                target = into / destination
                if destination.endswith("/"):
                    target = target / origin.name
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(origin, target)
    return into


IMPORT_FROM_COPY = """
import importlib, json, os, sys
project = os.path.realpath(sys.argv[1])
sys.path[:] = [p for p in sys.path
               if os.path.realpath(p or ".") != project]
sys.path.insert(0, os.getcwd())
for name in json.loads(sys.argv[2]):
    module_name, _, attribute = name.partition(":")
    module = importlib.import_module(module_name)
    assert os.path.realpath(module.__file__).startswith(os.getcwd()), module.__file__
    if attribute:
        getattr(module, attribute)
if json.loads(sys.argv[3]):
    from runtime import patches
    patches.install()
print("imported", len(json.loads(sys.argv[2])))
"""


def import_in(app: Path, names: list[str], install_patches: bool = False) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONSAFEPATH")}
    env["RASA_TELEMETRY_ENABLED"] = "false"
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            IMPORT_FROM_COPY,
            str(PROJECT_DIR),
            json.dumps(names),
            json.dumps(install_patches),
        ],
        cwd=app,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]


def _class_path(dotted: str) -> str:
    module, _, attribute = dotted.rpartition(".")
    return f"{module}:{attribute}"


def rasa_image_entry_points() -> list[str]:
    """What the Rasa image starts: every channel, custom component, store and the launcher."""
    names = ["runtime.launch", "runtime.patches"]
    credentials = yaml.safe_load((PROJECT_DIR / "credentials.yml").read_text())
    names += [_class_path(channel) for channel in credentials if "." in channel]
    config = yaml.safe_load((PROJECT_DIR / "config.yml").read_text())
    for part in ("pipeline", "policies"):
        names += [
            _class_path(item["name"]) for item in config.get(part) or [] if "." in item["name"]
        ]
    for endpoints in ("endpoints.yml", "deploy/endpoints.scale.yml"):
        settings = yaml.safe_load((PROJECT_DIR / endpoints).read_text())
        for store in ("tracker_store", "lock_store", "event_broker"):
            kind = (settings.get(store) or {}).get("type", "")
            if "." in kind:
                names.append(_class_path(kind))
    return names


def action_image_entry_points() -> list[str]:
    """What the action server loads: the launcher and every module of actions/."""
    modules = sorted(
        ".".join(path.relative_to(PROJECT_DIR).with_suffix("").parts)
        for path in (PROJECT_DIR / "actions").rglob("*.py")
    )
    return ["runtime.launch", *(m.removesuffix(".__init__") for m in modules)]


def test_the_copy_is_the_image_not_the_project(tmp_path: Path) -> None:
    """The check itself can fail: a module the image does not copy is not importable."""
    app = build_context(DOCKER_DIR / "actions.Dockerfile", tmp_path)
    with pytest.raises(AssertionError, match="No module named 'channels'"):
        import_in(app, ["channels.rest"])


def test_rasa_image_imports_everything_it_runs(tmp_path: Path) -> None:
    app = build_context(DOCKER_DIR / "rasa.Dockerfile", tmp_path)
    import_in(app, rasa_image_entry_points(), install_patches=True)


def test_action_image_imports_every_action(tmp_path: Path) -> None:
    app = build_context(DOCKER_DIR / "actions.Dockerfile", tmp_path)
    import_in(app, action_image_entry_points())
