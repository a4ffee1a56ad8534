"""A learned reader of free-text assessment answers (scikit-learn, no Rasa).

The cue rules (`answer_parser`) are exact about negation, hedges and several
answers in one message, but only know the words in their tables. This model
learns the long tail from examples of how people answer each question
(`data/answers/<slot>.yml`): for every slot, a linear classifier over word and
character n-grams scores each value plus `NOTHING` ("says nothing about this
slot"). It reads a message clause by clause as well as whole, so each answer
in "not core, mostly simple updates, no sensitive data" is scored on its own.

The Rasa component `components.answer_guesser` trains it during `rasa train`
and puts `AnswerModel.guess(text)` into the parse data; `understanding`
combines those guesses with the rules.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

import yaml

from advisor.answers import Slot, values_of
from advisor.reading.linear_text import NOTHING, LinearTextModel, Runner, one_by_one
from advisor.reading.text import normalise

ANSWER_GATE = 0.1  # below this P(answers the slot), a clause says nothing about it
# Where a message is cut into clauses: sentence ends, commas, dashes and the
# joining words that separate answers ("not core and fairly routine").
_CLAUSE_BREAK = re.compile(r"[,.;:!?\n()]+|\s(?:and|but|plus|also|though|although|while)\s")

Examples = dict[str, dict[str, list[str]]]  # slot -> value -> example texts
# slot -> [(value, P(value | answers this slot), P(value))], best first; see `guess`
Guesses = dict[str, list[tuple[str, float, float]]]


def load_examples(folder: Path) -> Examples:
    """Read every `<slot>.yml` in `folder` ({slot: ..., values: {value: [texts]}})."""
    examples: Examples = {}
    for path in sorted(folder.glob("*.yml")):
        content = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        slot = Slot(content["slot"]).value
        allowed = set(values_of(Slot(slot)))
        for value, texts in (content.get("values") or {}).items():
            if value not in allowed:
                raise ValueError(f"{path}: {value!r} is not a value of {slot}")
            examples.setdefault(slot, {}).setdefault(value, []).extend(
                str(text) for text in texts or []
            )
    return examples


def clauses(text: str) -> list[str]:
    """The message itself and, if it has several, each of its clauses."""
    cleaned = normalise(text)
    parts = [part.strip() for part in _CLAUSE_BREAK.split(cleaned)]
    parts = [part for part in parts if re.search(r"[a-z]", part)]
    return [cleaned] + parts if len(parts) > 1 else [cleaned]


class AnswerModel(LinearTextModel):
    """One value classifier per slot (NOTHING = "says nothing about this slot")."""

    # A little looser than scikit-learn's default 1.0: each value has a few
    # dozen short examples.
    inverse_regularisation = 4.0
    file_name = "answer_model.pkl"

    @property
    def slots(self) -> tuple[str, ...]:
        return self.tasks

    @classmethod
    def train(
        cls, examples: Examples, unrelated: Iterable[str], run: Runner = one_by_one
    ) -> AnswerModel:
        """Learn from `examples`; `unrelated` texts (questions, small talk) and the
        other slots' examples teach each slot what says nothing about it. `run` fits the
        slots' regressions."""
        return cls.fit(examples, unrelated, run)

    def guess(self, text: str) -> Guesses:
        """For each slot, its values with two confidences, best first:
        `answer` = P(value) and `given_answer` = P(value | the text answers this
        slot), each the best that any clause (or the whole message) gives.

        The second is for the question just asked: there, people answer it, so
        the "says nothing" class, which training makes large, is set aside
        unless it is nearly certain (below `ANSWER_GATE`)."""
        if not text or not text.strip() or text.startswith("/"):
            return {}
        best: dict[str, dict[str, tuple[float, float]]] = {}
        for part in clauses(text):
            for slot, probabilities in self.probabilities(part).items():
                answers = 1.0 - probabilities[NOTHING]
                seen = best.setdefault(slot, {})
                for value, p in probabilities.items():
                    if value == NOTHING:
                        continue
                    given = p / answers if answers >= ANSWER_GATE else 0.0
                    old = seen.get(value, (0.0, 0.0))
                    seen[value] = (max(old[0], given), max(old[1], p))
        return {
            slot: sorted(
                (
                    (value, round(given, 4), round(p, 4))
                    for value, (given, p) in values.items()
                    if max(given, p) >= 0.01
                ),
                key=lambda triple: (-triple[1], -triple[2]),
            )
            for slot, values in best.items()
        }
