"""The action image (deploy/docker/actions.Dockerfile) copies only part of runtime/:
every runtime module the launcher imports on the action server's path must be in it
(runtime/action_auth.py checks the Rasa server's token there)."""

import ast
import re
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[2]


def runtime_imports(module: str, seen: set[str]) -> set[str]:
    """runtime.* modules `module` imports, transitively (by the source, statically)."""
    path = PROJECT_DIR / (module.replace(".", "/") + ".py")
    for node in ast.walk(ast.parse(path.read_text())):
        name = node.module if isinstance(node, ast.ImportFrom) else None
        # runtime.patches is imported only for the Rasa server (it needs Rasa).
        if name and name.startswith("runtime.") and name not in seen | {"runtime.patches"}:
            seen.add(name)
            runtime_imports(name, seen)
    return seen


def test_the_action_image_has_every_runtime_module_the_launcher_needs() -> None:
    dockerfile = (PROJECT_DIR / "deploy" / "docker" / "actions.Dockerfile").read_text()
    (line,) = [line for line in dockerfile.splitlines() if re.match(r"COPY runtime/", line)]
    copied = {Path(word).stem for word in line.split()[1:-1]}
    needed = {name.split(".")[1] for name in runtime_imports("runtime.launch", set())}
    assert "action_auth" in needed
    assert needed <= copied, needed - copied
