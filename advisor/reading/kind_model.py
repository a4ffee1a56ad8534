"""What kind of message this is: an answer, a question, "not sure", a request to explain the
open question, a command that steers the conversation, or small talk.

The first step of the turn interpreter (`advisor.reading.turn`): a linear classifier over
the shared word and character n-grams (`linear_text`), trained by `rasa train` on data/:
- questions: the NLU examples of question intents (faq, follow_up, out_of_source, ...);
- answers: data/answers/ and the `inform` intent;
- not_sure and clarify: data/kinds/;
- control and small talk: their intents' NLU examples.

People wrap a question asked mid-assessment in hedges ("quick q", "sorry", "tho") and
answers in fillers ("well", "i'd say"); both kinds are also learned wrapped in them, so
neither a hedge nor a filler decides the kind.

Calibrated by temperature scaling on cross-validated scores (never on a hold-out), so
P(kind) means what it says and the interpreter's thresholds are probabilities.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from enum import Enum
from pathlib import Path

import yaml

from advisor.reading.linear_text import LinearTextModel, Runner, one_by_one
from advisor.reading.text import normalise


class Kind(str, Enum):
    ANSWER = "answer"
    QUESTION = "question"
    NOT_SURE = "not_sure"
    CLARIFY = "clarify"
    CONTROL = "control"
    SMALLTALK = "smalltalk"


# The kind of each NLU intent's examples. affirm/deny are left out: "yes" and "no" are
# answers or small talk only in context, which the interpreter knows and the model doesn't.
INTENT_KINDS: Mapping[str, Kind] = {
    "faq": Kind.QUESTION,
    "follow_up": Kind.QUESTION,
    "out_of_source": Kind.QUESTION,
    "classify_process": Kind.QUESTION,
    "help": Kind.QUESTION,
    "inform": Kind.ANSWER,
    "start_assessment": Kind.CONTROL,
    "stop_assessment": Kind.CONTROL,
    "restart_assessment": Kind.CONTROL,
    "assess_another": Kind.CONTROL,
    "compare_processes": Kind.CONTROL,
    "show_report": Kind.CONTROL,
    "ask_provisional": Kind.CONTROL,
    "ask_why": Kind.CONTROL,
    "what_would_change": Kind.CONTROL,
    "greet": Kind.SMALLTALK,
    "thank": Kind.SMALLTALK,
    "goodbye": Kind.SMALLTALK,
    "bot_challenge": Kind.SMALLTALK,
    "out_of_scope": Kind.SMALLTALK,
}

# How people wrap a question they ask in the middle of something else, and an answer.
QUESTION_WRAPS = (
    "quick q, {}",
    "sorry, {}",
    "{} tho",
    "{}, sorry",
    "wait, {}",
    "before i answer, {}",
    "one thing first: {}",
    "{} btw",
    "hang on, {}",
    "sorry to ask but {}",
)
ANSWER_WRAPS = (
    "well, {}",
    "i'd say {}",
    "{} i guess",
    "sorry, {}",
    "hmm {}",
    "ok so {}",
    "{} tbh",
    "honestly {}",
)
FOLDS = 3
_TASK = "kind"

Examples = Mapping[Kind, Sequence[str]]


def load_kind_examples(folder: Path) -> dict[Kind, list[str]]:
    """Read every `<kind>.yml` in `folder` ({kind: ..., examples: [texts]})."""
    examples: dict[Kind, list[str]] = {}
    for path in sorted(folder.glob("*.yml")):
        content = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        kind = Kind(content["kind"])
        examples.setdefault(kind, []).extend(str(text) for text in content.get("examples") or [])
    return examples


def with_wraps(examples: Examples) -> dict[Kind, list[str]]:
    """Each question and answer also wrapped once, in a wrap chosen by its position
    (deterministic, so training is repeatable)."""
    wrapped: dict[Kind, list[str]] = {kind: list(texts) for kind, texts in examples.items()}
    for kind, wraps in ((Kind.QUESTION, QUESTION_WRAPS), (Kind.ANSWER, ANSWER_WRAPS)):
        texts = examples.get(kind, ())
        wrapped.setdefault(kind, []).extend(
            wraps[index % len(wraps)].format(text.rstrip(".")) for index, text in enumerate(texts)
        )
    return wrapped


class KindModel(LinearTextModel):
    """P(kind | text), calibrated (`temperature`)."""

    inverse_regularisation = 4.0
    file_name = "kind_model.pkl"
    temperature = 1.0
    # Accuracy on the cross-validated scores the temperature was fitted on (training log).
    cross_validated_accuracy = 0.0

    @classmethod
    def train(cls, examples: Examples, run: Runner = one_by_one) -> KindModel:
        texts = with_wraps(examples)
        labelled = {_TASK: {kind.value: texts[kind] for kind in texts if texts[kind]}}
        folds = _folds(texts)
        # The model and its cross-validation folds are independent fits: all in parallel.
        fitted, *fold_scores = run(
            [(cls.fit, (labelled,))]
            + [(_held_out_scores, (cls, folds, held_out)) for held_out in range(FOLDS)]
        )
        scored = [pair for scores in fold_scores for pair in scores]
        model: KindModel = fitted
        model.temperature, model.cross_validated_accuracy = _calibrate(scored)
        return model

    def kinds(self, text: str) -> dict[str, float]:
        """Every kind with its calibrated probability."""
        raw = self.probabilities(normalise(text))[_TASK]
        return _sharpen(raw, self.temperature)


def _sharpen(probabilities: Mapping[str, float], temperature: float) -> dict[str, float]:
    """Softmax of log-probabilities divided by `temperature`."""
    powered = {k: math.exp(math.log(max(p, 1e-12)) / temperature) for k, p in probabilities.items()}
    total = sum(powered.values())
    return {k: round(v / total, 4) for k, v in powered.items()}


def _folds(texts: Mapping[Kind, Sequence[str]]) -> list[list[tuple[Kind, str]]]:
    """Every example in one of FOLDS folds, each kind spread evenly over them."""
    folds: list[list[tuple[Kind, str]]] = [[] for _ in range(FOLDS)]
    for kind, kind_texts in texts.items():
        for index, text in enumerate(kind_texts):
            folds[index % FOLDS].append((kind, text))
    return folds


def _held_out_scores(
    model_class: type[KindModel], folds: Sequence[Sequence[tuple[Kind, str]]], held_out: int
) -> list[tuple[str, dict[str, float]]]:
    """(true kind, probabilities) of fold `held_out`'s examples, from a model fitted on the
    other folds."""
    train: dict[str, list[str]] = {}
    for index, fold in enumerate(folds):
        if index != held_out:
            for kind, text in fold:
                train.setdefault(kind.value, []).append(text)
    fold_model = model_class.fit({_TASK: train})
    return [
        (kind.value, fold_model.probabilities(normalise(text))[_TASK])
        for kind, text in folds[held_out]
    ]


def _calibrate(scored: Sequence[tuple[str, dict[str, float]]]) -> tuple[float, float]:
    """The temperature that makes out-of-fold probabilities fit best (least log-loss),
    and the out-of-fold accuracy."""
    from scipy.optimize import minimize_scalar

    def log_loss(temperature: float) -> float:
        return -sum(
            math.log(max(_sharpen(p, temperature).get(truth, 0.0), 1e-9)) for truth, p in scored
        ) / len(scored)

    best = minimize_scalar(log_loss, bounds=(0.2, 5.0), method="bounded")
    right = sum(max(p, key=p.__getitem__) == truth for truth, p in scored)
    return float(best.x), right / len(scored)


def kind_examples_from(
    intent_examples: Iterable[tuple[str, str]],
    answers: Mapping[str, Mapping[str, Sequence[str]]],
    kinds: Mapping[Kind, Sequence[str]],
) -> dict[Kind, list[str]]:
    """Everything the kind model learns from: (intent, text) pairs of the NLU data, the
    answer examples (slot -> value -> texts) and data/kinds/."""
    examples: dict[Kind, list[str]] = {kind: list(texts) for kind, texts in kinds.items()}
    for intent, text in intent_examples:
        kind = INTENT_KINDS.get(intent.split("/", 1)[0])
        if kind is not None:
            examples.setdefault(kind, []).append(text)
    for values in answers.values():
        for texts in values.values():
            examples.setdefault(Kind.ANSWER, []).extend(texts)
    return examples
