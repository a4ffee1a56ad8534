"""stores/tracker_cache.py: a value is served only for the version it was recorded with
and while unchanged; at most `size` are kept, the least recently used evicted first;
size 0 keeps nothing. The store using it: tests/integration/test_tracker_cache.py."""

import pytest

from stores.tracker_cache import (
    DEFAULT_SIZE,
    SIZE_ENV,
    TrackerCache,
    cache_max_bytes,
    cache_size,
    tracker_weight,
)


def new_cache(size: int) -> TrackerCache[list[str]]:
    return TrackerCache(size, lambda value: value)


def test_a_recorded_value_is_served_itself_for_its_version() -> None:
    cache = new_cache(4)
    value = ["a", "b"]
    cache.put("x", value, (2, 7))
    assert cache.get("x", (2, 7)) is value
    assert cache.get("x", (2, 7)) is value  # served again while unchanged


@pytest.mark.parametrize("version", [(3, 9), (2, 8), (1, 7), (0, 7)])
def test_another_version_is_a_miss_and_drops_the_entry(version: tuple[int, int]) -> None:
    cache = new_cache(4)
    value = ["a", "b"]
    cache.put("x", value, (2, 7))
    assert cache.get("x", version) is None
    assert "x" not in cache
    assert cache.get("x", (2, 7)) is None  # dropped, not only hidden


def test_a_value_changed_since_it_was_recorded_is_not_served() -> None:
    cache = new_cache(4)
    value = ["a", "b"]
    cache.put("x", value, (2, 7))
    value.append("c")
    assert cache.get("x", (2, 7)) is None
    assert "x" not in cache


def test_a_value_whose_last_item_was_replaced_is_not_served() -> None:
    cache = new_cache(4)
    value = ["a", "b"]
    cache.put("x", value, (2, 7))
    value[-1] = "b2"  # same length, another last item
    assert cache.get("x", (2, 7)) is None


def test_recording_again_after_a_change_serves_it_again() -> None:
    cache = new_cache(4)
    value = ["a"]
    cache.put("x", value, (1, 1))
    value.append("b")
    cache.put("x", value, (2, 2))
    assert cache.get("x", (2, 2)) is value
    assert cache.get("x", (1, 1)) is None


def test_a_version_without_rows_is_never_kept_nor_served() -> None:
    cache = new_cache(4)
    cache.put("x", [], (0, 0))
    assert "x" not in cache
    assert cache.get("x", (0, 0)) is None


def test_an_empty_value_is_served_while_empty() -> None:
    cache = new_cache(4)
    value: list[str] = []
    cache.put("x", value, (1, 1))
    assert cache.get("x", (1, 1)) is value


def test_drop() -> None:
    cache = new_cache(4)
    cache.put("x", ["a"], (1, 1))
    cache.put("y", ["b"], (1, 2))
    cache.drop("x")
    cache.drop("unknown")  # no error
    assert cache.get("x", (1, 1)) is None
    assert cache.get("y", (1, 2)) == ["b"]
    assert len(cache) == 1


def test_at_most_size_values_are_kept_least_recently_used_evicted_first() -> None:
    cache = new_cache(2)
    values = {key: [key] for key in "abc"}
    cache.put("a", values["a"], (1, 1))
    cache.put("b", values["b"], (1, 2))
    assert cache.get("a", (1, 1)) is values["a"]  # a used after b
    cache.put("c", values["c"], (1, 3))  # evicts b
    assert len(cache) == 2
    assert "b" not in cache
    assert cache.get("a", (1, 1)) is values["a"]
    assert cache.get("c", (1, 3)) is values["c"]
    cache.put("b", values["b"], (1, 2))  # evicts a (c was used after it)
    assert "a" not in cache
    assert set("bc") == {key for key in "abc" if key in cache}


def test_recording_a_kept_key_again_does_not_evict() -> None:
    cache = new_cache(2)
    cache.put("a", ["a"], (1, 1))
    cache.put("b", ["b"], (1, 2))
    cache.put("a", ["a", "a"], (2, 3))
    assert len(cache) == 2
    assert cache.get("b", (1, 2)) == ["b"]


def test_a_key_marked_new_stays_new_until_recorded_or_dropped() -> None:
    cache = new_cache(2)
    cache.mark_new("x")
    assert cache.is_new("x") and "x" not in cache
    cache.put("x", ["a"], (1, 3))
    assert not cache.is_new("x")  # it has rows now
    cache.mark_new("x")  # read again: no rows (deleted), and no value either
    assert cache.is_new("x") and "x" not in cache
    cache.drop("x")
    assert not cache.is_new("x")


def test_at_most_size_keys_are_marked_new_oldest_forgotten_first() -> None:
    cache = new_cache(2)
    for key in ["a", "b", "c"]:
        cache.mark_new(key)
    assert [cache.is_new(key) for key in ["a", "b", "c"]] == [False, True, True]
    cache.clear()
    assert not cache.is_new("c")


def test_size_0_disables_the_cache() -> None:
    cache = new_cache(0)
    assert not cache.enabled
    cache.put("x", ["a"], (1, 1))
    assert len(cache) == 0
    cache.mark_new("x")
    assert not cache.is_new("x")
    assert cache.get("x", (1, 1)) is None


def test_a_negative_size_is_refused() -> None:
    with pytest.raises(ValueError):
        new_cache(-1)


@pytest.mark.parametrize(
    ("environ", "size"),
    [
        ({}, DEFAULT_SIZE),
        ({SIZE_ENV: ""}, DEFAULT_SIZE),
        ({SIZE_ENV: "0"}, 0),
        ({SIZE_ENV: " 12 "}, 12),
    ],
)
def test_the_size_comes_from_the_environment_else_256(environ: dict[str, str], size: int) -> None:
    assert DEFAULT_SIZE == 256
    assert cache_size(environ) == size


@pytest.mark.parametrize("raw", ["-1", "many", "1.5"])
def test_bad_sizes_are_refused_with_the_variable_named(raw: str) -> None:
    with pytest.raises(ValueError, match=SIZE_ENV):
        cache_size({SIZE_ENV: raw})


def weighed(size: int, max_bytes: int) -> TrackerCache[list[str]]:
    """Values weigh one byte per item."""
    return TrackerCache(size, lambda value: value, max_bytes=max_bytes, weigh=len)


def test_the_estimated_bytes_are_bounded_least_recently_used_evicted_first() -> None:
    cache = weighed(size=100, max_bytes=10)
    a, b, c = ["x"] * 4, ["y"] * 4, ["z"] * 4
    cache.put("a", a, (4, 4))
    cache.put("b", b, (4, 8))
    assert cache.weight == 8
    assert cache.get("a", (4, 4)) is a  # a is now the most recently used
    cache.put("c", c, (4, 12))  # 12 bytes > 10: b goes
    assert "b" not in cache and "a" in cache and "c" in cache and cache.weight == 8
    cache.put("a", a + ["x"] * 2, (6, 14))  # a grew: re-weighed, still fits with c
    assert cache.weight == 10 and len(cache) == 2


def test_a_value_heavier_than_the_budget_is_never_kept() -> None:
    cache = weighed(size=100, max_bytes=10)
    cache.put("small", ["s"], (1, 1))
    cache.put("huge", ["h"] * 11, (11, 12))
    assert "huge" not in cache and "small" in cache and cache.weight == 1
    cache.drop("small")
    assert cache.weight == 0


def test_the_byte_budget_comes_from_the_environment_else_64_mib() -> None:
    assert cache_max_bytes({}) == 64 * 1024 * 1024
    assert cache_max_bytes({"TRACKER_CACHE_MAX_BYTES": "1000"}) == 1000
    for bad in ("0", "-1", "lots", "1e6"):
        with pytest.raises(ValueError, match="TRACKER_CACHE_MAX_BYTES"):
            cache_max_bytes({"TRACKER_CACHE_MAX_BYTES": bad})


def test_a_trackers_weight_grows_with_its_events_and_their_text() -> None:
    class Event:
        def __init__(self, text: str | None) -> None:
            self.text = text

    short = tracker_weight([Event("hi"), Event(None)])
    long = tracker_weight([Event("hi" * 5000), Event(None)])
    assert 0 < short < long and tracker_weight([Event("hi")] * 4) > short
