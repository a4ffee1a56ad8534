"""BPO or KPO from the name of a kind of work the catalogue does not list
(advisor/reading/work_kind.py): sure only where it is right, measured on kinds of work
it never saw (whole catalogue entries held out)."""

import numpy as np
import pytest
from sklearn.model_selection import GroupKFold, cross_val_predict

from advisor.reading.work_kind import SURE, catalogue_phrases, typical_model, work_kind_pipeline
from advisor.sourcing import Model


def test_sure_readings_of_unseen_kinds_of_work_are_right() -> None:
    texts, labels, groups = catalogue_phrases()
    probabilities = cross_val_predict(
        work_kind_pipeline(), texts, labels, groups=groups, cv=GroupKFold(6), method="predict_proba"
    )
    classes = sorted(set(labels))
    predicted = np.array([classes[i] for i in probabilities.argmax(axis=1)])
    sure = probabilities.max(axis=1) >= SURE
    accuracy = float((predicted[sure] == np.array(labels)[sure]).mean())
    print(f"\nheld-out entries: {sure.sum()} of {len(texts)} names sure, {accuracy:.1%} right")
    assert sure.sum() >= 20 and accuracy >= 0.9


@pytest.mark.parametrize(
    "work,model",
    [
        ("pharmaceutical research", Model.KPO),
        ("insurance claims handling", Model.BPO),
        ("tax advisory", Model.KPO),
        ("tree surgery", None),  # the name says nothing about the work: no guess
        ("", None),
    ],
)
def test_typical_model_of_a_name(work: str, model: Model | None) -> None:
    assert typical_model(work) is model
