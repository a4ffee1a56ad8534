"""Look up event classes by name from a dictionary instead of a class-tree walk.

Rasa turns every stored event back into an object with `Event.resolve_by_type`,
which walks all subclasses of `Event` (and checks each for abstractness) on
every call: each message replays the whole conversation from the tracker store,
so under load this walk was ~3 % of the Rasa server's CPU (README,
"Performance"). `install_event_type_cache()` remembers each name's class after
the first lookup. Unknown names still go through Rasa's own code, so defaults,
the legacy "topic" event and the ValueError are unchanged.
"""
from typing import Dict, Optional, Text, Type

from rasa.shared.core.events import Event

_rasa_resolve_by_type = Event.resolve_by_type
_classes: Dict[Text, Type[Event]] = {}


def _resolve_by_type(type_name: Text, default: Optional[Type[Event]] = None) -> Optional[Type[Event]]:
    known = _classes.get(type_name)
    if known is not None:
        return known
    resolved = _rasa_resolve_by_type(type_name, default)
    if resolved is not None and resolved is not default:
        _classes[type_name] = resolved
    return resolved


def install_event_type_cache() -> None:
    """Replace Event.resolve_by_type for this process (idempotent)."""
    Event.resolve_by_type = staticmethod(_resolve_by_type)  # type: ignore[assignment]
