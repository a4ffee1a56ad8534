"""BPO or KPO from the name of a kind of work the catalogue does not list ("drug discovery
research", "invoice processing"), learned from the catalogue's own names and synonyms.

A logistic regression over the words and character n-grams of ~230 catalogue phrases, each
labelled with its entry's typical model. It speaks only when it is very sure: held out by
whole catalogue entries (kinds of work it never saw), it is right about 97% of the time
above `SURE`, and stays silent on most names ("tree surgery"), which then get "it depends".
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from advisor.process_catalogue import CATALOGUE
from advisor.sourcing import Model

SURE = 0.95
INVERSE_REGULARISATION = 10.0


def catalogue_phrases() -> tuple[list[str], list[str], list[int]]:
    """Every catalogue name and synonym, its entry's typical model, and its entry's index
    (the group a fair hold-out keeps together)."""
    texts, labels, groups = [], [], []
    for index, entry in enumerate(CATALOGUE):
        for phrase in (entry.name, *entry.synonyms):
            texts.append(phrase)
            labels.append(entry.typical.value)
            groups.append(index)
    return texts, labels, groups


def work_kind_pipeline() -> Any:
    """The unfitted classifier (a scikit-learn pipeline)."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline, make_union

    return make_pipeline(
        make_union(
            TfidfVectorizer(sublinear_tf=True),
            TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True),
        ),
        LogisticRegression(
            C=INVERSE_REGULARISATION, class_weight="balanced", max_iter=2000, random_state=0
        ),
    )


@lru_cache(maxsize=1)
def _fitted() -> Any:
    texts, labels, _ = catalogue_phrases()
    return work_kind_pipeline().fit(texts, labels)  # ~0.1 s, once per process


def typical_model(work: str) -> Model | None:
    """The model a kind of work typically goes to, judged from its name; None unless sure."""
    if not work.strip():
        return None
    model = _fitted()
    probabilities = model.predict_proba([work.lower()])[0]
    best = int(probabilities.argmax())
    if probabilities[best] < SURE:
        return None
    return Model(str(model.classes_[best]))
