"""A linear intent classifier (scikit-learn, no Rasa) to stand beside DIET.

On this assistant's few thousand short examples, a logistic regression over word
and character n-grams generalises to unseen phrasings better than DIET alone and
fails differently (n-gram evidence vs learned embeddings), so mixing the two
beats either on the NLU hold-out. It learns retrieval intents by topic
("faq/risks"), so it also helps pick the FAQ answer. `components.intent_blender`
trains it during `rasa train` and mixes its ranking with DIET's and the
ResponseSelector's.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from advisor.reading.linear_text import LinearTextModel
from advisor.reading.text import normalise

_TASK = "intent"
Distribution = dict[str, float]


class IntentModel(LinearTextModel):
    """P(intent | text) over the intents of the NLU training data, with retrieval
    intents split by topic ("faq/what_is_bpo")."""

    # Much looser than scikit-learn's default 1.0: intents have many varied
    # examples, and a sharper model lets a clear question clear the fallback
    # threshold. Chosen from {1, 10, 30} with DIET alongside (docs in config.yml).
    inverse_regularisation = 30.0
    # The same model as "lbfgs" (probabilities within 0.005 on the NLU hold-out), trained
    # in half the time: L-BFGS-B's own bookkeeping over ~10^6 weights dominated it.
    solver = "sag"
    file_name = "intent_model.pkl"

    @classmethod
    def train(cls, examples: Mapping[str, Sequence[str]]) -> IntentModel:
        """`examples`: intent (or "faq/<topic>") -> its training texts."""
        return cls.fit({_TASK: examples})

    def ranking(self, text: str) -> list[tuple[str, float]]:
        """Every label with its probability, best first."""
        probabilities = self.probabilities(normalise(text))[_TASK]
        return sorted(probabilities.items(), key=lambda pair: -pair[1])

    def read(self, text: str) -> tuple[Distribution, dict[str, Distribution]]:
        """(P(intent), {retrieval intent: P(topic | that intent)}) for one text.
        A retrieval intent's probability is the sum over its topics."""
        intents: Distribution = {}
        topics: dict[str, Distribution] = {}
        for label, p in self.ranking(text):
            intent, _, topic = label.partition("/")
            intents[intent] = intents.get(intent, 0.0) + p
            if topic:
                topics.setdefault(intent, {})[label] = p
        for intent, distribution in topics.items():
            total = intents[intent]
            topics[intent] = {label: p / total for label, p in distribution.items()}
        return intents, topics


def blend(
    linear: Mapping[str, float], other: Mapping[str, float], linear_weight: float
) -> list[tuple[str, float]]:
    """The weighted mean of two distributions, best first. A label missing from
    one (DIET reports only its top ten) counts as 0 there."""
    if not other:
        return sorted(linear.items(), key=lambda pair: (-pair[1], pair[0]))
    mixed = {
        name: linear_weight * linear.get(name, 0.0) + (1 - linear_weight) * other.get(name, 0.0)
        for name in set(linear) | set(other)
    }
    return sorted(mixed.items(), key=lambda pair: (-pair[1], pair[0]))
