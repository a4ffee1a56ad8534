"""Look up event classes by name from a dictionary instead of a class-tree walk.

Rasa turns every stored event back into an object with `Event.resolve_by_type`,
which walks all subclasses of `Event` (and checks each for abstractness) on
every call, and every event read from the tracker store goes through it: the
events of a session Rasa loads, and rows another replica appended that the caching
tracker store applies (measured in bench/README.md).
`cached_event_lookup` remembers each name's class after the first lookup.
Unknown names still go through Rasa's own code, so defaults, the legacy "topic"
event and the ValueError are unchanged. Installed by the registry in
runtime/patches.py.
"""

from collections.abc import Callable
from typing import Any

from rasa.shared.core.events import Event

Resolve = Callable[..., type[Event] | None]


def cached_resolve(rasa_resolve: Resolve) -> Resolve:
    """Rasa's `rasa_resolve`, remembering every name it resolved to a class."""
    classes: dict[str, type[Event]] = {}

    def resolve_by_type(type_name: str, default: type[Event] | None = None) -> type[Event] | None:
        known = classes.get(type_name)
        if known is not None:
            return known
        resolved = rasa_resolve(type_name, default)
        if resolved is not None and resolved is not default:
            classes[type_name] = resolved
        return resolved

    return resolve_by_type


def cached_event_lookup(rasa_attribute: Any) -> Any:
    """The replacement of `Event.resolve_by_type` (a staticmethod), from Rasa's."""
    return staticmethod(cached_resolve(rasa_attribute.__func__))
