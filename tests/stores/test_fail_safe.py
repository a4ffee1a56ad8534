"""The strict store's errors pass through Rasa's FailSafeTrackerStore once the patch of
`Agent._create_tracker_store` is installed (stores/tracker_store.py); other stores'
errors keep Rasa's fallback. The whole path, with PostgreSQL stopped:
tests/integration/test_tracker_store_failure.py."""

import asyncio

import pytest
from rasa.core.agent import Agent
from rasa.core.tracker_store import FailSafeTrackerStore, InMemoryTrackerStore
from rasa.shared.core.domain import Domain

from runtime import patches
from stores.tracker_store import TrackerStoreUnavailable


class BrokenStore(InMemoryTrackerStore):
    def __init__(self, error: Exception) -> None:
        super().__init__(Domain.empty())
        self.error = error

    async def retrieve(self, sender_id: str):  # type: ignore[no-untyped-def]
        raise self.error


def fail_safe(error: Exception) -> FailSafeTrackerStore:
    store = Agent._create_tracker_store(BrokenStore(error), Domain.empty())
    assert isinstance(store, FailSafeTrackerStore)
    return store


def test_stock_rasa_turns_an_unreachable_store_into_a_new_conversation() -> None:
    store = fail_safe(TrackerStoreUnavailable("down"))
    assert asyncio.run(store.retrieve("someone")) is None


def test_patched_the_strict_stores_error_reaches_the_caller() -> None:
    with patches.installed():
        store = fail_safe(TrackerStoreUnavailable("down"))
        with pytest.raises(TrackerStoreUnavailable):
            asyncio.run(store.retrieve("someone"))
        # Another store's error keeps Rasa's fallback.
        assert asyncio.run(fail_safe(RuntimeError("other")).retrieve("someone")) is None
