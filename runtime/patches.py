"""Every change this project makes to Rasa's internals, in one table, installed in one place.

`PATCHES` below lists each replaced symbol: what it replaces, why, the test that
compares it with Rasa's own behaviour, and the Rasa version it was written
against. `install()` applies them; it is called by exactly one entry point,
``python -m runtime.launch run ...`` (runtime/launch.py), which every Rasa server
start uses (scripts/servers.sh, scripts/scale_up.sh, harness/ for the tests and
the benchmark, the Rasa Dockerfile), whatever channels credentials.yml configures
(bench/sequential.py, which loads the model in-process, calls it too).

* Version guard: unless the installed Rasa is the version every patch was
  written for, nothing is patched and one error line says so. Rasa then runs
  stock: slower, and without the action guard and the strict tracker store's
  503 (each patch's "why" says what is lost); re-check each patch against the
  new Rasa, then raise `RASA_VERSION`.
* ``RASA_RUNTIME_TUNING=off`` skips the speed-ups (``tuning=True``) and keeps
  the behaviour changes: the benchmark compares both, and it is a switch for
  operators.
* ``RASA_RUNTIME_SKIP=RemoteAction._action_call_format,...`` skips the listed
  patches (``Owner.name``), to measure one change alone (bench/README.md).
* `uninstall()` (or the `installed()` context manager) restores Rasa's own
  attributes: tests that patch Rasa undo it afterwards.
"""

import contextlib
import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import rasa
from rasa.core.actions.action import RemoteAction
from rasa.core.actions.forms import FormAction
from rasa.core.agent import Agent
from rasa.core.policies.policy import Policy
from rasa.core.tracker_store import FailSafeTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import Event
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.tensorflow.models import RasaModel

from runtime import action_guard
from runtime.action_events import recent_events_only
from runtime.action_response import compiled_response_validation
from runtime.event_lookup import cached_event_lookup
from runtime.gc_freeze import freeze_after_loading
from runtime.model_loading import eager_weight_building
from runtime.policy_window import windowed_prediction_states
from runtime.settings import rasa_settings
from runtime.tracker_copy import copy_by_state, form_tracker_by_state
from runtime.tracker_history import incremental_applied_events, incremental_states
from stores.tracker_store import reraise_unavailable

logger = logging.getLogger(__name__)

RASA_VERSION = "3.6.21"  # the Rasa every patch below was written and tested against


@dataclass(frozen=True)
class Patch:
    """One replaced class attribute of Rasa."""

    owner: type
    name: str
    # Rasa's attribute (as found in the class __dict__) -> the replacement attribute.
    replacement: Callable[[Any], Any]
    why: str
    test: str  # the test comparing it with Rasa's behaviour
    tuning: bool  # a speed-up only (RASA_RUNTIME_TUNING=off skips it)
    rasa_version: str = RASA_VERSION

    @property
    def short_name(self) -> str:
        return f"{self.owner.__name__}.{self.name}"

    @property
    def replaces(self) -> str:
        return f"{self.owner.__module__}.{self.owner.__qualname__}.{self.name}"


PATCHES: tuple[Patch, ...] = (
    Patch(
        RemoteAction,
        "_validate_action_result",
        compiled_response_validation,
        why="jsonschema.validate re-checks Rasa's large event schema on every action call "
        "(~45 ms); a validator compiled once checks the same schema (runtime/action_response.py)",
        test="tests/unit/test_runtime_action_response.py",
        tuning=True,
    ),
    Patch(
        RemoteAction,
        "_action_call_format",
        recent_events_only,
        why="every custom-action call posted the whole tracker (all events), growing with the "
        "conversation; it now carries the events of the last 10 user turns, all our actions "
        "and rasa_sdk's form validation read (runtime/action_events.py)",
        test="tests/unit/test_runtime_action_events.py",
        tuning=True,
    ),
    Patch(
        RasaModel,
        "load",
        eager_weight_building,
        why="builds the weights without tracing a training graph: start-up 24 -> 10 s, "
        "~400 MB less memory; same predictions (runtime/model_loading.py)",
        test="tests/integration/test_model_loading.py",
        tuning=True,
    ),
    Patch(
        Agent,
        "load_model",
        freeze_after_loading,
        why="full garbage collections walked the ~550,000 objects of the loaded model "
        "(a 241 ms pause every ~700 messages); they are frozen after loading "
        "(runtime/gc_freeze.py)",
        test="tests/unit/test_runtime_gc_freeze.py",
        tuning=True,
    ),
    Patch(
        Event,
        "resolve_by_type",
        cached_event_lookup,
        why="a dictionary lookup instead of a walk of Event's subclasses for every stored "
        "event on every message (~3 % CPU under load) (runtime/event_lookup.py)",
        test="tests/unit/test_runtime_event_lookup.py",
        tuning=True,
    ),
    Patch(
        DialogueStateTracker,
        "applied_events",
        incremental_applied_events,
        why="recomputed from the first event ~16 times per message, so a message cost more "
        "the longer the conversation; now each event is processed once per tracker "
        "(runtime/tracker_history.py)",
        test="tests/unit/test_runtime_tracker_history.py",
        tuning=True,
    ),
    Patch(
        Domain,
        "states_for_tracker_history",
        incremental_states,
        why="every policy replayed the whole conversation into dialogue states after every "
        "action (~8 times per message); now only new events are turned into states "
        "(runtime/tracker_history.py)",
        test="tests/unit/test_runtime_tracker_history.py",
        tuning=True,
    ),
    Patch(
        Policy,
        "_prediction_states",
        windowed_prediction_states,
        why="RulePolicy and MemoizationPolicy were handed (copied, logged, compared) the "
        "states of the whole conversation; each now gets the latest states it reads: "
        "its longest rule, its max_history (runtime/policy_window.py)",
        test="tests/integration/test_runtime_equivalence.py",
        tuning=True,
    ),
    Patch(
        DialogueStateTracker,
        "copy",
        copy_by_state,
        why="every action ran on a copy made by replaying the whole conversation (~3 times "
        "per message); the copy now takes the tracker's state as it is "
        "(runtime/tracker_copy.py)",
        test="tests/unit/test_runtime_tracker_history.py",
        tuning=True,
    ),
    Patch(
        FormAction,
        "_temporary_tracker",
        form_tracker_by_state,
        why="every turn of the form rebuilt the conversation by replaying all its events; "
        "it now copies the tracker's state and adds the form's events "
        "(runtime/tracker_copy.py)",
        test="tests/unit/test_runtime_tracker_history.py",
        tuning=True,
    ),
    Patch(
        RemoteAction,
        "run",
        action_guard.guard_remote_action_run,
        why="bounds each custom-action call to RASA_ACTION_TIMEOUT (Rasa waits 300 s) and "
        "tells the user instead of answering nothing (runtime/action_guard.py)",
        test="tests/integration/test_action_server_failure.py",
        tuning=False,
    ),
    Patch(
        FailSafeTrackerStore,
        "on_tracker_store_error",
        reraise_unavailable,
        why="a failed write of the strict SQL store must not silently go to memory: "
        "TrackerStoreUnavailable reaches the channel, which answers 503 "
        "(stores/tracker_store.py)",
        test="tests/integration/test_tracker_store_failure.py",
        tuning=False,
    ),
    Patch(
        FailSafeTrackerStore,
        "on_tracker_store_retrieve_error",
        reraise_unavailable,
        why="a failed read of the strict SQL store must not start a brand-new conversation "
        "(stores/tracker_store.py)",
        test="tests/integration/test_tracker_store_failure.py",
        tuning=False,
    ),
)

# (owner, name) -> Rasa's own attribute, for every patch currently installed.
_originals: dict[tuple[type, str], Any] = {}


def version_mismatch() -> str | None:
    """Why the patches must not be installed on this Rasa, or None."""
    wrong = sorted({p.rasa_version for p in PATCHES if p.rasa_version != rasa.__version__})
    if not wrong:
        return None
    return (
        f"Rasa {rasa.__version__} is installed, but runtime/ patches were written for Rasa "
        f"{', '.join(wrong)}: none is installed, Rasa runs stock (no speed-ups, no action "
        "guard, no 503 for an unreachable tracker store). Re-check each patch in "
        "runtime/patches.py against this Rasa, then update RASA_VERSION."
    )


def install() -> list[Patch]:
    """Apply every patch (idempotent); returns those installed by this call."""
    settings = rasa_settings()  # read once, at start-up: a bad value stops it here
    refusal = version_mismatch()
    if refusal:
        logger.error(refusal)
        return []
    tuning = settings.runtime_tuning
    if not tuning:
        logger.info("RASA_RUNTIME_TUNING=off: Rasa's stock code paths, only behaviour patches.")
    skip = settings.runtime_skip
    if skip:
        logger.info("RASA_RUNTIME_SKIP: not patching %s", ", ".join(sorted(skip)))
    applied = []
    for patch in PATCHES:
        key = (patch.owner, patch.name)
        if key in _originals or (patch.tuning and not tuning) or patch.short_name in skip:
            continue
        original = patch.owner.__dict__[patch.name]
        setattr(patch.owner, patch.name, patch.replacement(original))
        _originals[key] = original
        applied.append(patch)
    return applied


def uninstall(patches: Iterable[Patch] | None = None) -> None:
    """Give Rasa its own attributes back (of `patches`; default: all installed)."""
    keys = list(_originals) if patches is None else [(p.owner, p.name) for p in patches]
    for key in keys:
        original = _originals.pop(key, None)
        if original is not None:
            setattr(key[0], key[1], original)
    if (RemoteAction, "run") not in _originals:
        action_guard.forget_original()


@contextlib.contextmanager
def installed() -> Iterator[list[Patch]]:
    """The patches installed for the duration of a `with` block (tests); undone after."""
    applied = install()
    try:
        yield applied
    finally:
        uninstall(applied)
