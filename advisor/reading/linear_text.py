"""Linear text classifiers over word and character n-grams (scikit-learn, no Rasa).

One n-gram vocabulary is shared by several classification *tasks* (one per
assessment question for the answer reader, a single one for intents). scikit-learn
fits it; predicting needs only the analysers, the vocabulary, the idf weights and
one stacked weight matrix, so a message costs a few dictionary lookups and one
small matrix product (sklearn's own transform and predict_proba spend
milliseconds on input checks for one message).
"""

from __future__ import annotations

import pickle
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np

from advisor.reading.text import normalise

NOTHING = "none"  # the class for background text that belongs to no label of a task

if TYPE_CHECKING:
    from scipy.sparse import csr_matrix

Matrix = np.ndarray[Any, np.dtype[np.float64]]
Indices = np.ndarray[Any, np.dtype[np.int64]]
# task -> label -> example texts
LabelledTexts = Mapping[str, Mapping[str, Sequence[str]]]
Model = TypeVar("Model", bound="LinearTextModel")

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


# Runs independent calls, `function(*arguments)` each, and returns their results in order.
# Training passes one that uses every core (components/parallel.py); the default runs them
# one by one, so this module needs no process pool.
Calls = Sequence[tuple[Callable[..., Any], tuple[Any, ...]]]
Runner = Callable[[Calls], list[Any]]


def one_by_one(calls: Calls) -> list[Any]:
    return [function(*arguments) for function, arguments in calls]


@dataclass(frozen=True)
class _Block:
    """One task's columns in the stacked weight matrix."""

    task: str
    classes: tuple[str, ...]
    start: int
    end: int


class LinearTextModel:
    """Per-task logistic regressions over one tf-idf n-gram vocabulary."""

    # Inverse regularisation of each logistic regression; subclasses tune it.
    inverse_regularisation = 1.0
    # scikit-learn's optimiser. "sag" finds the same optimum as the default "lbfgs" in half
    # the time when classes are of similar size; with a few tiny classes that "balanced"
    # weighs up, its steps shrink and it is many times slower.
    solver = "lbfgs"
    file_name = "linear_text_model.pkl"  # inside the folder Rasa's model storage gives

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
    def tasks(self) -> tuple[str, ...]:
        return tuple(block.task for block in self._blocks)

    @classmethod
    def fit(
        cls: type[Model],
        examples: LabelledTexts,
        background: Iterable[str] = (),
        run: Runner = one_by_one,
    ) -> Model:
        """Learn every task in `examples`. Within a task, the other tasks'
        examples and the `background` texts are labelled NOTHING, so the model
        also learns what belongs to none of the task's labels. `run` fits the
        tasks' regressions (independent of each other)."""
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import FeatureUnion

        unrelated = [normalise(text) for text in background]
        labelled = [
            (task, label, normalise(text))
            for task, labels in examples.items()
            for label, texts in labels.items()
            for text in texts
        ]
        vectorisers = [
            TfidfVectorizer(
                ngram_range=(1, 2), sublinear_tf=True, norm=None, preprocessor=mark_negation
            ),
            TfidfVectorizer(
                analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2, norm=None
            ),
        ]
        union = FeatureUnion([(str(i), v) for i, v in enumerate(vectorisers)])
        features = _l2_rows(union.fit_transform([text for *_, text in labelled] + unrelated))
        weights: list[Matrix] = []
        bias: list[Matrix] = []
        blocks: list[_Block] = []
        regression = LogisticRegression(
            C=cls.inverse_regularisation,
            max_iter=2000,
            class_weight="balanced",
            solver=cls.solver,
            random_state=0,
        )
        task_labels = [
            [label if owner == task else NOTHING for owner, label, _ in labelled]
            + [NOTHING] * len(unrelated)
            for task in examples
        ]
        fitted = run([(_fit_copy, (regression, features, labels)) for labels in task_labels])
        for task, model in zip(examples, fitted, strict=True):
            classes = tuple(str(label) for label in model.classes_)
            if len(classes) < 3:  # sklearn's binary case has one column and a sigmoid
                raise ValueError(f"{task}: needs at least three classes, has {classes}")
            start = blocks[-1].end if blocks else 0
            blocks.append(_Block(task, classes, start, start + len(classes)))
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
        """Per task, every class's probability (NOTHING included) for one text,
        already `normalise`d as the training examples were."""
        columns, values = self._features(text)
        scores = values @ self._weights[columns] + self._bias
        result = {}
        for block in self._blocks:
            logits = scores[block.start : block.end]
            exp = np.exp(logits - logits.max())
            result[block.task] = dict(zip(block.classes, (exp / exp.sum()).tolist(), strict=False))
        return result

    def save(self, folder: Path) -> None:
        with open(folder / self.file_name, "wb") as stream:
            pickle.dump(self.__dict__, stream)

    @classmethod
    def load(cls: type[Model], folder: Path) -> Model:
        model = cls.__new__(cls)
        # Only ever our own file, written by `save` during `rasa train`.
        with open(folder / cls.file_name, "rb") as stream:
            model.__dict__.update(pickle.load(stream))
        return model


def _fit_copy(regression: Any, features: csr_matrix, labels: list[str]) -> Any:
    from sklearn.base import clone

    return clone(regression).fit(features, labels)


def _l2_rows(matrix: csr_matrix) -> csr_matrix:
    from sklearn.preprocessing import normalize

    return normalize(matrix, norm="l2", copy=False)
