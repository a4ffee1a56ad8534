"""The cached event lookup resolves every event name exactly as Rasa does."""

from collections.abc import Callable, Iterator

import pytest
from rasa.shared.core.events import Event, SlotSet, UserUttered
from rasa.shared.utils.common import all_subclasses

from runtime import patches

RASA_RESOLVE: Callable[..., type[Event] | None] = Event.__dict__["resolve_by_type"].__func__


@pytest.fixture(scope="module", autouse=True)
def cached_lookup() -> Iterator[None]:
    with patches.installed():
        assert Event.resolve_by_type is not RASA_RESOLVE
        yield
    assert Event.resolve_by_type is RASA_RESOLVE


@pytest.mark.parametrize("event_class", all_subclasses(Event), ids=lambda cls: cls.type_name)
def test_every_event_name_resolves_as_in_rasa(event_class: type[Event]) -> None:
    for _ in range(2):  # the first lookup fills the cache, the second reads it
        assert Event.resolve_by_type(event_class.type_name) is RASA_RESOLVE(event_class.type_name)


def test_unknown_names_keep_rasas_behaviour() -> None:
    with pytest.raises(ValueError, match="Unknown event name"):
        Event.resolve_by_type("no_such_event")
    assert Event.resolve_by_type("no_such_event", default=SlotSet) is SlotSet
    assert Event.resolve_by_type("topic") is None


def test_stored_events_round_trip() -> None:
    event = UserUttered("what is bpo?", {"name": "faq", "confidence": 0.9})
    assert Event.from_parameters(event.as_dict()) == event
