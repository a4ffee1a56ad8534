"""The six assessment answers: slot names, their allowed values, and `Answers`.

These strings are Rasa slot values, so this module is the one place they are
spelled out; everything else (parser, weights, questions) refers to the enums.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from enum import Enum
from typing import Any


class Slot(str, Enum):
    PROCESS = "process"
    CORE = "core"
    COMPLEXITY = "complexity"
    QUALIFICATIONS = "qualifications"
    SENSITIVITY = "sensitivity"
    GOAL = "goal"


class Core(str, Enum):
    """Listed from least to most strategic (order matters: see `values_of`)."""

    SUPPORTING = "supporting"  # necessary, but not what the firm is known for
    IMPORTANT = "important"  # operationally critical, not distinctive
    CORE = "core"  # part of what makes the firm different


class Complexity(str, Enum):
    ROUTINE = "routine"  # rule-based, repeatable, scripted, volume-driven
    MIXED = "mixed"
    EXPERT = "expert"  # needs expert judgement, interpretation, analysis


class Qualifications(str, Enum):
    BASIC = "basic"
    TECHNICAL = "technical"  # technical skills or certifications
    PROFESSIONAL = "professional"  # degrees, licensed professionals


class Sensitivity(str, Enum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"  # personal data, financials, client confidential data, IP


class Goal(str, Enum):
    """Unordered: the four benefits of outsourcing the source names."""

    COST = "cost"
    FLEXIBILITY = "flexibility"
    FOCUS = "focus"
    EXPERTISE = "expertise"


ValueEnum = Core | Complexity | Qualifications | Sensitivity | Goal

SLOT_ORDER: tuple[Slot, ...] = tuple(Slot)  # the order the questions are asked in
ANSWER_SLOTS: tuple[str, ...] = tuple(slot.value for slot in SLOT_ORDER)
# Kept when the user assesses another process: the company's goal doesn't change.
COMPANY_WIDE_SLOTS: tuple[str, ...] = (Slot.GOAL.value,)

VALUE_ENUMS: dict[Slot, type[Enum]] = {
    Slot.CORE: Core,
    Slot.COMPLEXITY: Complexity,
    Slot.QUALIFICATIONS: Qualifications,
    Slot.SENSITIVITY: Sensitivity,
    Slot.GOAL: Goal,
}
# Slots whose values form a low -> high scale (the enum's declaration order).
ORDINAL_SLOTS: tuple[Slot, ...] = (
    Slot.CORE,
    Slot.COMPLEXITY,
    Slot.QUALIFICATIONS,
    Slot.SENSITIVITY,
)
PROCESS_MAX_CHARS = 60


def values_of(slot: Slot) -> tuple[str, ...]:
    """Canonical values of a closed slot, in scale order (empty for process)."""
    enum = VALUE_ENUMS.get(slot)
    return tuple(member.value for member in enum) if enum else ()


def clean_process(text: Any) -> str | None:
    """A process name as stored: lowercased, single-spaced, at most 60 chars."""
    if not isinstance(text, str):
        return None
    cleaned = re.sub(r"\s+", " ", text).strip().lower()
    if len(cleaned) > PROCESS_MAX_CHARS:
        cleaned = cleaned[:PROCESS_MAX_CHARS].rsplit(" ", 1)[0]
    return cleaned or None


def _coerce(slot: Slot, value: Any) -> Any | None:
    """The enum member for `value`, or None when it isn't a valid value."""
    if value is None:
        return None
    if isinstance(value, Enum):  # str(Enum member) is "Core.CORE" on Python 3.10
        value = value.value
    if slot is Slot.PROCESS:
        return clean_process(value)
    try:
        return VALUE_ENUMS[slot](str(value).strip().lower())
    except ValueError:
        return None


@dataclass(frozen=True)
class Answers:
    """What the user has told us so far; None means not answered yet."""

    process: str | None = None
    core: Core | None = None
    complexity: Complexity | None = None
    qualifications: Qualifications | None = None
    sensitivity: Sensitivity | None = None
    goal: Goal | None = None

    def __post_init__(self) -> None:
        # Accept plain strings (slot values) but never store an invalid value.
        for field in fields(self):
            raw = getattr(self, field.name)
            value = _coerce(Slot(field.name), raw)
            blank_process = field.name == Slot.PROCESS.value and isinstance(raw, str)
            if raw is not None and value is None and not blank_process:
                raise ValueError(f"invalid value for {field.name}: {raw!r}")
            object.__setattr__(self, field.name, value)

    @classmethod
    def from_slots(cls, slots: Mapping[str, Any]) -> Answers:
        """Build from Rasa slots, silently ignoring unknown slots and bad values."""
        known = {slot.value: _coerce(slot, slots.get(slot.value)) for slot in SLOT_ORDER}
        return cls(**known)

    def as_slots(self) -> dict[str, str]:
        """The answered slots only, as plain strings (safe to turn into SlotSet)."""
        return {slot.value: value for slot in SLOT_ORDER if (value := self.get(slot))}

    def get(self, slot: Slot | str) -> str | None:
        value: Enum | str | None = getattr(self, Slot(slot).value)
        return str(value.value) if isinstance(value, Enum) else value

    def updated(self, changes: Mapping[str, Any]) -> Answers:
        """A copy with the valid entries of `changes` applied (None clears)."""
        new = {}
        for name, raw in changes.items():
            if name in ANSWER_SLOTS:
                value = _coerce(Slot(name), raw)
                if value is not None or raw is None:
                    new[name] = value
        return replace(self, **new)

    @property
    def answered(self) -> tuple[Slot, ...]:
        return tuple(slot for slot in SLOT_ORDER if self.get(slot) is not None)

    @property
    def missing(self) -> tuple[Slot, ...]:
        return tuple(slot for slot in SLOT_ORDER if self.get(slot) is None)

    def is_empty(self) -> bool:
        return not self.answered
