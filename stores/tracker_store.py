"""An SQL tracker store that says so when the database is unreachable.

Rasa's Agent wraps every tracker store in `FailSafeTrackerStore`, which turns a
failed read into "no tracker" (a brand-new conversation) and a failed write into
a write to memory: the user silently loses the conversation. This store raises
`TrackerStoreUnavailable` instead, lets it through the wrapper (a patch of
`FailSafeTrackerStore` listed in runtime/patches.py), and the guarded
channels answer 503 with a clear message (channels/resilience.py). Nothing is
read or written in the meantime, so the conversation continues where it was as
soon as the database is back (pooled connections to a database server are
pre-pinged, so the first message after its restart does not fail on a dead
connection).

endpoints.yml::

    tracker_store:
      type: stores.tracker_store.StrictSQLTrackerStore
      dialect: sqlite            # or postgresql, with url/port/db/username/password
      db: var/tracker.db
"""

import functools
import logging
from collections.abc import Awaitable, Callable, Iterable
from typing import Any, TypeVar

import sqlalchemy as sa
from rasa.core.tracker_store import FailSafeTrackerStore, SQLTrackerStore, create_engine_kwargs
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.exceptions import RasaException
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import sessionmaker

logger = logging.getLogger(__name__)

CONNECT_TIMEOUT = 3  # seconds; a dead database host must not hold a message for minutes

T = TypeVar("T")


class TrackerStoreUnavailable(RasaException):
    """The conversation could not be read or written; nothing was changed."""


def _unavailable(method: Callable[..., Awaitable[T]]) -> Callable[..., Awaitable[T]]:
    @functools.wraps(method)
    async def wrapper(*args: Any, **kwargs: Any) -> T:
        try:
            return await method(*args, **kwargs)
        except SQLAlchemyError as error:
            raise TrackerStoreUnavailable(
                f"tracker store {method.__name__} failed: {error}"
            ) from error

    return wrapper


class StrictSQLTrackerStore(SQLTrackerStore):
    """SQLTrackerStore whose database errors surface as TrackerStoreUnavailable."""

    engine: sa.engine.Engine

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Blocks (retrying every 5 s) until the database answers, like Rasa's store.
        super().__init__(*args, **kwargs)
        url = self.engine.url
        engine_kwargs: dict[str, Any] = create_engine_kwargs(url)
        if url.get_backend_name() != "sqlite":  # a file never drops a connection
            engine_kwargs["pool_pre_ping"] = True
        if url.get_backend_name() == "postgresql" and "connect_timeout" not in url.query:
            engine_kwargs["connect_args"] = {
                **engine_kwargs.get("connect_args", {}),
                "connect_timeout": CONNECT_TIMEOUT,
            }
        self.engine.dispose()
        self.engine = sa.create_engine(url, **engine_kwargs)
        self.sessionmaker = sessionmaker(bind=self.engine)

    @_unavailable
    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        return await super().retrieve(sender_id)

    @_unavailable
    async def retrieve_full_tracker(self, conversation_id: str) -> DialogueStateTracker | None:
        return await super().retrieve_full_tracker(conversation_id)

    @_unavailable
    async def save(self, tracker: DialogueStateTracker) -> None:
        await super().save(tracker)

    @_unavailable
    async def keys(self) -> Iterable[str]:
        return await super().keys()


def reraise_unavailable(
    rasa_handler: Callable[[FailSafeTrackerStore, Exception], None],
) -> Callable[..., None]:
    """The replacement of FailSafeTrackerStore's error hooks (`on_tracker_store_error`,
    `on_tracker_store_retrieve_error`), installed by the registry in runtime/patches.py.

    The wrapper calls these hooks inside its `except` block before falling back;
    TrackerStoreUnavailable is raised instead, other errors (other stores) keep
    Rasa's behaviour."""

    @functools.wraps(rasa_handler)
    def handler(self: FailSafeTrackerStore, error: Exception) -> None:
        if isinstance(error, TrackerStoreUnavailable):
            raise error  # never fall back to an empty or in-memory conversation
        rasa_handler(self, error)

    return handler
