"""The registry of changes to Rasa internals: complete, version-guarded, undoable."""

import logging
import subprocess
import sys
from pathlib import Path

import pytest
import rasa

from runtime import patches
from runtime.patches import PATCHES, RASA_VERSION

PROJECT_DIR = Path(__file__).resolve().parents[2]


def rasa_attributes() -> dict[tuple[type, str], object]:
    return {(p.owner, p.name): p.owner.__dict__[p.name] for p in PATCHES}


@pytest.fixture(autouse=True)
def stock_rasa_after():
    yield
    patches.uninstall()


def test_every_patch_is_documented_and_tested() -> None:
    assert {p.replaces for p in PATCHES} >= {
        "rasa.core.actions.action.RemoteAction._validate_action_result",
        "rasa.core.actions.action.RemoteAction._action_call_format",
        "rasa.core.actions.action.RemoteAction.run",
        "rasa.utils.tensorflow.models.RasaModel.load",
        "rasa.core.agent.Agent._create_tracker_store",
    }
    assert len({(p.owner, p.name) for p in PATCHES}) == len(PATCHES)
    # Issue #28: at most 8; a new one must earn its place (bench/README.md).
    assert len(PATCHES) <= 8
    for patch in PATCHES:
        assert patch.why and (PROJECT_DIR / patch.test).is_file(), patch.replaces
        assert patch.rasa_version == RASA_VERSION
        assert patch.name in patch.owner.__dict__, f"Rasa has no {patch.replaces} any more"


def test_written_for_the_pinned_rasa() -> None:
    pins = (PROJECT_DIR / "requirements.txt").read_text()
    assert f"rasa[spacy]=={RASA_VERSION} " in pins
    assert rasa.__version__ == RASA_VERSION


def test_install_then_uninstall_restores_stock_rasa(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("RASA_RUNTIME_TUNING", raising=False)
    stock = rasa_attributes()
    applied = patches.install()
    assert applied == list(PATCHES)
    assert patches.install() == []  # idempotent
    for key, value in rasa_attributes().items():
        assert value is not stock[key], key
    patches.uninstall()
    assert rasa_attributes() == stock


def test_version_mismatch_leaves_stock_rasa_untouched(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    stock = rasa_attributes()
    monkeypatch.setattr(rasa, "__version__", "3.7.0")
    with caplog.at_level(logging.ERROR, logger="runtime.patches"):
        assert patches.install() == []
    assert rasa_attributes() == stock
    assert "Rasa 3.7.0 is installed" in caplog.text
    assert f"written for Rasa {RASA_VERSION}" in caplog.text
    assert "none is installed" in caplog.text


def test_tuning_off_keeps_only_the_behaviour_patches(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RASA_RUNTIME_TUNING", "off")
    stock = rasa_attributes()
    applied = patches.install()
    assert applied == [p for p in PATCHES if not p.speed_only]
    for patch in PATCHES:
        patched = patch.owner.__dict__[patch.name] is not stock[(patch.owner, patch.name)]
        assert patched == (not patch.speed_only), patch.replaces


def test_installed_undoes_only_its_own_patches() -> None:
    stock = rasa_attributes()
    with patches.installed() as applied:
        assert applied
    assert rasa_attributes() == stock


def test_importing_the_launcher_loads_no_rasa() -> None:
    """The action server starts through runtime/launch.py too: no Rasa, no TensorFlow."""
    code = "import sys, runtime.launch; print('rasa' in sys.modules, 'tensorflow' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["False", "False"]


def test_listed_patches_can_be_skipped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("RASA_RUNTIME_TUNING", raising=False)
    monkeypatch.setenv("RASA_RUNTIME_SKIP", " RemoteAction._action_call_format, RasaModel.load")
    stock = rasa_attributes()
    applied = patches.install()
    skipped = {"RemoteAction._action_call_format", "RasaModel.load"}
    assert {p.short_name for p in PATCHES} >= skipped
    assert applied == [p for p in PATCHES if p.short_name not in skipped]
    for patch in PATCHES:
        patched = patch.owner.__dict__[patch.name] is not stock[(patch.owner, patch.name)]
        assert patched == (patch.short_name not in skipped), patch.replaces


def test_each_patch_says_what_it_buys_and_whether_it_changes_behaviour() -> None:
    for patch in PATCHES:
        assert patch.gain, patch.replaces
        # a behaviour change says so in its gain; a speed-up has its numbers in bench/README.md
        assert ("BEHAVIOUR" in patch.gain) == (not patch.speed_only), patch.replaces
    by_name = {p.short_name: p for p in PATCHES}
    # fewer events for the actions: a follow-up can no longer see older turns
    assert not by_name["RemoteAction._action_call_format"].speed_only
    assert "Policy._prediction_states" not in by_name  # runtime/policies.py, in config.yml


def test_the_speed_ups_are_in_the_benchmark_table() -> None:
    table = (PROJECT_DIR / "bench" / "README.md").read_text()
    for patch in PATCHES:
        if patch.speed_only:
            assert patch.name in table, f"{patch.short_name}: no measured gain in bench/README.md"
