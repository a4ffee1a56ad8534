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
* Each patch is either ``speed_only`` (Rasa's behaviour, faster; its test compares
  the two) or behaviour-changing (its ``gain`` says what changes, in capitals).
  ``RASA_RUNTIME_TUNING=off`` skips the speed-only ones and keeps the behaviour
  changes: the benchmark compares both, and it is a switch for operators.
* Where Rasa offers an extension point it is used instead of a patch: the
  policies config.yml names (runtime/policies.py), the tracker store endpoints.yml
  names (stores/tracker_store.py), the lock store (stores/lock_store.py), the error
  callback of Rasa's FailSafeTrackerStore (given by the one patch of the agent).
* At most 8 patches (tests/runtime/test_runtime_registry.py); a speed-up whose gain,
  measured alone (`python -m bench.patch_cost`), was within noise was deleted
  (CHANGELOG.md, #28).
* ``RASA_RUNTIME_SKIP=RemoteAction._action_call_format,...`` skips the listed
  patches (``Owner.name``; ``runtime.policies`` switches the policies' window off),
  to measure one change alone (bench/README.md).
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
from rasa.core.agent import Agent
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.tensorflow.models import RasaModel

from runtime import action_guard
from runtime.action_events import recent_events_only
from runtime.action_response import compiled_response_validation
from runtime.model_loading import eager_weight_building
from runtime.settings import rasa_settings
from runtime.tracker_copy import copy_by_state
from runtime.tracker_history import incremental_applied_events, incremental_states
from stores.tracker_store import strict_fail_safe

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
    gain: str  # what it buys: a measured gain (bench/README.md) or the BEHAVIOUR it gives
    test: str  # the test comparing it with Rasa's behaviour
    speed_only: bool  # same behaviour as Rasa, faster (RASA_RUNTIME_TUNING=off skips it)
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
        "_action_call_format",
        recent_events_only,
        why="every custom-action call posted every event of the session, growing with the "
        "conversation; it carries the events of the last 10 user turns, which all our "
        "actions and rasa_sdk's form validation read (runtime/action_events.py)",
        gain="a call's size and time stop growing with the conversation (bench/README.md); "
        "BEHAVIOUR: a follow-up ('and kpo?') whose FAQ question is 10 or more user "
        "messages back gets 'what would you like to know more about?'",
        test="tests/runtime/test_runtime_action_events.py",
        speed_only=False,
    ),
    Patch(
        RemoteAction,
        "run",
        action_guard.guard_remote_action_run,
        why="bounds each custom-action call to RASA_ACTION_TIMEOUT (Rasa waits 300 s) and "
        "tells the user instead of answering nothing (runtime/action_guard.py)",
        gain="BEHAVIOUR: an honest reply within seconds when the action server is down, "
        "hung or broken",
        test="tests/integration/test_action_server_failure.py",
        speed_only=False,
    ),
    Patch(
        Agent,
        "_create_tracker_store",
        strict_fail_safe,
        why="Rasa's FailSafeTrackerStore turns a failed read into a brand-new conversation and "
        "a failed write into one kept in memory; it is given the error callback its "
        "constructor takes, so TrackerStoreUnavailable of the strict SQL store reaches the "
        "channel, which answers 503 (stores/tracker_store.py)",
        gain="BEHAVIOUR: a database outage is a 503, never a fresh or in-memory conversation: "
        "no conversation is lost",
        # end to end, with PostgreSQL stopped: tests/integration/test_tracker_store_failure.py
        test="tests/stores/test_fail_safe.py",
        speed_only=False,
    ),
    Patch(
        RemoteAction,
        "_validate_action_result",
        compiled_response_validation,
        why="jsonschema.validate re-checks Rasa's large event schema on every action call; "
        "a validator compiled once checks the same schema (runtime/action_response.py)",
        gain="CPU per message of a 200-message conversation 110 -> 46 ms (mean; bench/README.md)",
        test="tests/runtime/test_runtime_action_response.py",
        speed_only=True,
    ),
    Patch(
        RasaModel,
        "load",
        eager_weight_building,
        why="builds the weights without tracing a training graph; same predictions "
        "(runtime/model_loading.py)",
        gain="peak RSS after loading 836 -> 694 MB (bench/README.md)",
        test="tests/integration/test_model_loading.py",
        speed_only=True,
    ),
    Patch(
        DialogueStateTracker,
        "applied_events",
        incremental_applied_events,
        why="recomputed from the first event many times per message, so a message cost "
        "more the longer the conversation; now each event is processed once per tracker "
        "(runtime/tracker_history.py)",
        gain="late messages of a 200-message conversation 98 -> 40 ms CPU (bench/README.md)",
        test="tests/runtime/test_runtime_tracker_history.py",
        speed_only=True,
    ),
    Patch(
        Domain,
        "states_for_tracker_history",
        incremental_states,
        why="every policy replayed the whole conversation into dialogue states after every "
        "action; now only new events are turned into states, and the policies of "
        "runtime/policies.py ask for the last few only (runtime/tracker_history.py)",
        gain="late messages 71 -> 40 ms CPU, with the policies' window it enables "
        "(bench/README.md)",
        test="tests/runtime/test_runtime_tracker_history.py",
        speed_only=True,
    ),
    Patch(
        DialogueStateTracker,
        "copy",
        copy_by_state,
        why="every action ran on a copy made by replaying the whole conversation; the copy "
        "now takes the tracker's state as it is (runtime/tracker_copy.py)",
        gain="late messages 63 -> 40 ms CPU (bench/README.md)",
        test="tests/runtime/test_runtime_tracker_history.py",
        speed_only=True,
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
        if key in _originals or (patch.speed_only and not tuning) or patch.short_name in skip:
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


def is_installed(owner: type, name: str) -> bool:
    """Whether the patch of `owner.name` is installed now."""
    return (owner, name) in _originals


@contextlib.contextmanager
def installed() -> Iterator[list[Patch]]:
    """The patches installed for the duration of a `with` block (tests); undone after."""
    applied = install()
    try:
        yield applied
    finally:
        uninstall(applied)
