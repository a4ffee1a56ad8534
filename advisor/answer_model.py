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

import pickle
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import yaml

from advisor.answers import Slot, values_of
from advisor.text import normalise

NOTHING = "none"  # the class for text that says nothing about a slot
MODEL_FILE = "answer_model.pkl"
# Regularisation of the per-slot logistic regressions: a little looser than
# scikit-learn's default 1.0, because each value has few dozen short examples.
INVERSE_REGULARISATION = 4.0
ANSWER_GATE = 0.1  # below this P(answers the slot), a clause says nothing about it
# Where a message is cut into clauses: sentence ends, commas, dashes and the
# joining words that separate answers ("not core and fairly routine").
_CLAUSE_BREAK = re.compile(r"[,.;:!?\n()]+|\s(?:and|but|plus|also|though|although|while)\s")

if TYPE_CHECKING:
    from scipy.sparse import csr_matrix

Matrix = np.ndarray[Any, np.dtype[np.float64]]
Indices = np.ndarray[Any, np.dtype[np.int64]]
Examples = dict[str, dict[str, list[str]]]  # slot -> value -> example texts
# slot -> [(value, P(value | answers this slot), P(value))], best first; see `guess`
Guesses = dict[str, list[tuple[str, float, float]]]


@dataclass(frozen=True)
class _Block:
    """One slot's columns in the stacked weight matrix."""

    slot: str
    classes: tuple[str, ...]
    start: int
    end: int


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


_NEGATOR = re.compile(
    r"^(?:not|no|never|nothing|none|nobody|neither|nor|without|hardly|barely|zero|"
    r"\w+n't|cannot|cant|dont|doesnt|isnt|arent|wont)$"
)
_CONTRAST = re.compile(r"^(?:but|though|although|however|yet|tho|while|whereas)$")
_PUNCTUATION_END = re.compile(r"[.,;:!?]$")


def mark_negation(text: str) -> str:
    """Words after a negation carry a `not_` mark up to the clause's end, so
    "nothing needs deciding" and "needs deciding" are different words to the
    model (the classic negation handling of bag-of-words classifiers)."""
    marked: list[str] = []
    negated = False
    for word in text.lower().split():
        if _CONTRAST.match(word):  # "but" starts a new scope
            negated = False
        marked.append(f"not_{word}" if negated else word)
        if _PUNCTUATION_END.search(word):  # "data," is the last word in scope
            negated = False
        elif _NEGATOR.match(word):
            negated = True
    return " ".join(marked)


def clauses(text: str) -> list[str]:
    """The message itself and, if it has several, each of its clauses."""
    cleaned = normalise(text)
    parts = [part.strip() for part in _CLAUSE_BREAK.split(cleaned)]
    parts = [part for part in parts if re.search(r"[a-z]", part)]
    return [cleaned] + parts if len(parts) > 1 else [cleaned]


class AnswerModel:
    """Per-slot value classifiers over one n-gram vocabulary.

    scikit-learn fits it; predicting needs only the analysers, the vocabulary,
    the idf weights and one stacked weight matrix, so a message costs a few
    dictionary lookups and one small matrix product (sklearn's own transform
    and predict_proba spend milliseconds on input checks for one message).
    """

    def __init__(
        self,
        analysers: Sequence[Callable[[str], list[str]]],
        vocabularies: Sequence[dict[str, int]],
        idf: Matrix,
        weights: Matrix,
        bias: Matrix,
        blocks: Sequence[_Block],
    ) -> None:
        self._analysers = tuple(analysers)
        self._vocabularies = tuple(vocabularies)
        self._offsets = tuple(np.cumsum([0] + [len(v) for v in vocabularies[:-1]]))
        self._idf = idf
        self._weights = weights
        self._bias = bias
        self._blocks = tuple(blocks)

    @property
    def slots(self) -> tuple[str, ...]:
        return tuple(block.slot for block in self._blocks)

    @classmethod
    def train(
        cls, examples: Mapping[str, Mapping[str, Sequence[str]]], unrelated: Iterable[str]
    ) -> AnswerModel:
        """Learn from `examples`; `unrelated` texts (questions, small talk) and the
        other slots' examples teach each slot what says nothing about it."""
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import FeatureUnion

        background = [normalise(text) for text in unrelated]
        labelled = [
            (slot, value, normalise(text))
            for slot, values in examples.items()
            for value, texts in values.items()
            for text in texts
        ]
        texts = [text for _, _, text in labelled] + background
        vectorisers = [
            TfidfVectorizer(
                ngram_range=(1, 2), sublinear_tf=True, norm=None, preprocessor=mark_negation
            ),
            TfidfVectorizer(
                analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2, norm=None
            ),
        ]
        features = FeatureUnion([(str(i), v) for i, v in enumerate(vectorisers)]).fit_transform(
            texts
        )
        features = _l2_rows(features)
        weights: list[Matrix] = []
        bias: list[Matrix] = []
        blocks: list[_Block] = []
        for slot in examples:
            labels = [value if owner == slot else NOTHING for owner, value, _ in labelled]
            labels += [NOTHING] * len(background)
            model = LogisticRegression(
                C=INVERSE_REGULARISATION, max_iter=2000, class_weight="balanced"
            ).fit(features, labels)
            start = blocks[-1].end if blocks else 0
            classes = tuple(str(label) for label in model.classes_)
            blocks.append(_Block(slot, classes, start, start + len(classes)))
            weights.append(model.coef_.T)
            bias.append(model.intercept_)
        return cls(
            [v.build_analyzer() for v in vectorisers],
            [dict(v.vocabulary_) for v in vectorisers],
            np.concatenate([v.idf_ for v in vectorisers]).astype(np.float64),
            np.hstack(weights).astype(np.float64),
            np.concatenate(bias).astype(np.float64),
            blocks,
        )

    def _features(self, text: str) -> tuple[Indices, Matrix]:
        """(column indices, tf-idf values, L2-normalised) of one text, as sklearn would."""
        counts: dict[int, int] = {}
        for analyse, vocabulary, offset in zip(
            self._analysers, self._vocabularies, self._offsets, strict=False
        ):
            for term in analyse(text):
                index = vocabulary.get(term)
                if index is not None:
                    counts[offset + index] = counts.get(offset + index, 0) + 1
        columns = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
        values = (1.0 + np.log(np.fromiter(counts.values(), dtype=np.float64))) * self._idf[columns]
        norm = np.linalg.norm(values)
        return columns, values / norm if norm else values

    def probabilities(self, text: str) -> dict[str, dict[str, float]]:
        """Per slot, every class's probability (NOTHING included) for one text."""
        columns, values = self._features(text)
        scores = values @ self._weights[columns] + self._bias
        result = {}
        for block in self._blocks:
            logits = scores[block.start : block.end]
            if len(block.classes) == 2:  # sklearn's binary case: one column, sigmoid
                raise ValueError("each slot needs at least two values besides NOTHING")
            exp = np.exp(logits - logits.max())
            result[block.slot] = dict(zip(block.classes, (exp / exp.sum()).tolist(), strict=False))
        return result

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

    def save(self, folder: Path) -> None:
        with open(folder / MODEL_FILE, "wb") as file:
            pickle.dump(self.__dict__, file)

    @classmethod
    def load(cls, folder: Path) -> AnswerModel:
        model = cls.__new__(cls)
        # Only ever our own file, written by `save` during `rasa train`.
        with open(folder / MODEL_FILE, "rb") as file:
            model.__dict__.update(pickle.load(file))
        return model


def _l2_rows(matrix: csr_matrix) -> csr_matrix:
    from sklearn.preprocessing import normalize

    return normalize(matrix, norm="l2", copy=False)
