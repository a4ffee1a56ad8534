"""The three sourcing options the advisor chooses between, and their names."""

from __future__ import annotations

from enum import Enum


class Model(str, Enum):
    BPO = "bpo"
    KPO = "kpo"
    IN_HOUSE = "in_house"

    @property
    def full_name(self) -> str:
        """As used in sentences: "I recommend {full_name}"."""
        return FULL_NAMES[self]

    @property
    def short_name(self) -> str:
        return SHORT_NAMES[self]


FULL_NAMES: dict[Model, str] = {
    Model.BPO: "BPO (Business Process Outsourcing)",
    Model.KPO: "KPO (Knowledge Process Outsourcing)",
    Model.IN_HOUSE: "keeping it in-house",
}
SHORT_NAMES: dict[Model, str] = {
    Model.BPO: "BPO",
    Model.KPO: "KPO",
    Model.IN_HOUSE: "in-house",
}
# Fixed order for display, and the tie-break for work that doesn't set the firm
# apart: BPO is the umbrella term and the most common arrangement (source: "BPO
# is an umbrella term ..."). Distinctive work breaks ties the other way
# (scoring.DISTINCTIVE_TIE_ORDER), and a tie is always worded as a tie.
MODELS: tuple[Model, ...] = (Model.BPO, Model.KPO, Model.IN_HOUSE)
