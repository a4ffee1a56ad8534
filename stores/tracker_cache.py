"""A per-process LRU of conversation trackers, each valid for one version of its rows.

`CachingSQLTrackerStore` (stores/tracker_store.py) keeps the tracker object of each
recent conversation here, with the *version* of the conversation's rows in the
database it matches: (number of rows, highest row id) of its sender id, read with one
cheap indexed query. A later `get` returns the very same object only if

* the database still has that version: any row appended since, by this process or by
  another replica sharing the database, changes the highest id (ids only grow:
  PostgreSQL's sequence never reuses one; SQLite may reuse the highest ids after a
  deletion, harmless with the one process per file it is used with here, which sees
  the conversation empty before it writes to it again), and a deleted conversation
  has no rows (a version with no rows is never served); and
* the object was not changed since it was recorded: its event sequence has the same
  length and the same last event (by identity). Rasa changes a retrieved tracker and
  then saves it; one changed but not saved (an error in between) is dropped.

Anything else is a miss: the caller loads the tracker as Rasa does and records it.
A key may also be marked *new* (`mark_new`): its conversation had no rows when last
read, so its first save needs no count of the stored rows. Recording or dropping the
key clears the mark.
The values are only required to have a growing sequence of items (`items`), so this
module knows nothing of Rasa. Not thread-safe: Rasa's server runs on one event loop.

`TRACKER_CACHE_SIZE` (default 256) bounds the number of conversations kept; 0
disables the cache (every call is a miss and nothing is kept).
`TRACKER_CACHE_MAX_BYTES` (default 64 MiB) bounds their estimated memory (`weigh`,
e.g. `tracker_weight`): least recently used values are evicted until the total
fits, and a value heavier than the whole budget is not kept at all, so a few very
long conversations cannot fill the memory however few they are.
"""

from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

SIZE_ENV = "TRACKER_CACHE_SIZE"
DEFAULT_SIZE = 256
BYTES_ENV = "TRACKER_CACHE_MAX_BYTES"
DEFAULT_MAX_BYTES = 64 * 1024 * 1024

# (number of rows, highest row id) of one conversation in the database.
Version = tuple[int, int]

V = TypeVar("V")

_EMPTY = object()  # the "last item" of an empty sequence


def cache_size(environ: Mapping[str, str]) -> int:
    """The cache size `TRACKER_CACHE_SIZE` asks for (default 256; 0 disables)."""
    raw = environ.get(SIZE_ENV, "").strip()
    if not raw:
        return DEFAULT_SIZE
    try:
        size = int(raw)
    except ValueError:
        size = -1
    if size < 0:
        raise ValueError(f"{SIZE_ENV} must be a whole number >= 0 (0 disables), not {raw!r}")
    return size


def cache_max_bytes(environ: Mapping[str, str]) -> int:
    """The memory budget `TRACKER_CACHE_MAX_BYTES` asks for (default 64 MiB)."""
    raw = environ.get(BYTES_ENV, "").strip()
    if not raw:
        return DEFAULT_MAX_BYTES
    if not raw.isdigit() or int(raw) <= 0:
        raise ValueError(f"{BYTES_ENV} must be a whole number of bytes > 0, not {raw!r}")
    return int(raw)


# A stored event as Rasa keeps it in memory (its parse data: intent ranking,
# entities...) is about this size, plus its text.
EVENT_BYTES = 4096


def tracker_weight(events: Sequence[object]) -> int:
    """An estimate of a tracker's memory from its events, without serialising them."""
    text = sum(len(getattr(event, "text", None) or "") for event in events)
    return len(events) * EVENT_BYTES + 4 * text


@dataclass(frozen=True)
class _Entry(Generic[V]):
    value: V
    version: Version
    length: int  # len(items(value)) when recorded
    last: object  # items(value)[-1] when recorded, compared by identity
    weight: int = 0  # estimated bytes when recorded


class TrackerCache(Generic[V]):
    """At most `size` values by key, least recently used evicted first."""

    def __init__(
        self,
        size: int,
        items: Callable[[V], Sequence[object]],
        max_bytes: int = DEFAULT_MAX_BYTES,
        weigh: Callable[[V], int] = lambda _: 0,
    ) -> None:
        if size < 0:
            raise ValueError(f"cache size must be >= 0, not {size}")
        self.size = size
        self.max_bytes = max_bytes
        self._items = items
        self._weigh = weigh
        self.weight = 0  # estimated bytes of every kept value
        self._entries: OrderedDict[str, _Entry[V]] = OrderedDict()
        self._new: OrderedDict[str, None] = OrderedDict()  # keys known to have no rows

    @property
    def enabled(self) -> bool:
        return self.size > 0

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, key: object) -> bool:
        return key in self._entries

    def _mark(self, value: V) -> tuple[int, object]:
        items = self._items(value)
        return len(items), (items[-1] if items else _EMPTY)

    def unchanged(self, key: str) -> tuple[V, Version] | None:
        """The value kept for `key` and the version it was recorded with, if the value
        is unchanged since (whatever the database's version now); otherwise None (and
        the entry is dropped)."""
        entry = self._entries.get(key)
        if entry is None:
            return None
        length, last = self._mark(entry.value)
        if length != entry.length or last is not entry.last:
            self.drop(key)
            return None
        self._entries.move_to_end(key)
        return entry.value, entry.version

    def get(self, key: str, version: Version) -> V | None:
        """The value recorded for `key` if the database is still at `version` and the
        value is unchanged since; otherwise None (and the entry is dropped)."""
        kept = self.unchanged(key)
        if kept is None:
            return None
        value, recorded = kept
        if version[0] <= 0 or recorded != version:
            self.drop(key)
            return None
        return value

    def recorded(self, key: str, value: V) -> tuple[Version, int] | None:
        """(version, length when recorded) if `value` itself is what is kept for `key`
        (since changed or not); None otherwise."""
        entry = self._entries.get(key)
        if entry is None or entry.value is not value:
            return None
        return entry.version, entry.length

    def mark_new(self, key: str) -> None:
        """The database has no rows for `key` (as just read)."""
        self.drop(key)
        if self.enabled:
            self._new[key] = None
            while len(self._new) > self.size:
                self._new.popitem(last=False)

    def is_new(self, key: str) -> bool:
        """Whether `key` was marked new and neither recorded nor dropped since."""
        return key in self._new

    def put(self, key: str, value: V, version: Version) -> None:
        """Record `value` as matching the database's `version` of `key`, as it is now."""
        if not self.enabled or version[0] <= 0:
            self.drop(key)
            return
        self._new.pop(key, None)
        weight = self._weigh(value)
        if weight > self.max_bytes:
            self.drop(key)  # heavier than the whole budget: never kept
            return
        length, last = self._mark(value)
        self._remove(key)
        self._entries[key] = _Entry(value, version, length, last, weight)
        self.weight += weight
        while len(self._entries) > self.size or self.weight > self.max_bytes:
            self._remove(next(iter(self._entries)))

    def _remove(self, key: str) -> None:
        entry = self._entries.pop(key, None)
        if entry is not None:
            self.weight -= entry.weight

    def drop(self, key: str) -> None:
        self._remove(key)
        self._new.pop(key, None)

    def clear(self) -> None:
        self._entries.clear()
        self._new.clear()
        self.weight = 0
