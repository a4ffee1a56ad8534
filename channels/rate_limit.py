"""How many messages one conversation may send: people type a message every few
seconds; a script sending faster gets a polite reply instead of NLU work and a
longer stored conversation.

Per conversation id and per Rasa process, over a sliding minute:
``RASA_MAX_MESSAGES_PER_MINUTE`` (default 30; 0 switches the limit off;
runtime/settings.py). With
replicas each process counts on its own, so a sender gets at most N times the
limit; per-client limits in front of the replicas are nginx's job
(deploy/nginx). `channels.resilience.deliver` applies it to every channel.
"""

import time
from collections import deque
from collections.abc import Callable

WINDOW_SECONDS = 60.0
# Forget idle senders once this many are tracked, so memory stays bounded.
MAX_TRACKED_SENDERS = 10_000


class SenderRateLimit:
    """At most `per_minute` messages per sender in any 60 s (0: no limit)."""

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_minute = per_minute
        self._clock = clock
        self._recent: dict[str, deque[float]] = {}

    def allow(self, sender: str) -> bool:
        """Count a message from `sender`; False if it is over the limit (not counted)."""
        if self.per_minute <= 0:
            return True
        now = self._clock()
        recent = self._recent.get(sender)
        if recent is None:
            if len(self._recent) >= MAX_TRACKED_SENDERS:
                self._forget_idle(now)
            recent = self._recent[sender] = deque(maxlen=self.per_minute)
        while recent and now - recent[0] >= WINDOW_SECONDS:
            recent.popleft()
        if len(recent) >= self.per_minute:
            return False
        recent.append(now)
        return True

    def _forget_idle(self, now: float) -> None:
        for sender, times in list(self._recent.items()):
            if not times or now - times[-1] >= WINDOW_SECONDS:
                del self._recent[sender]
        # All active (a flood of ids): drop the least recent half. Their counts
        # restart: memory stays bounded, at the price of a looser limit meanwhile.
        if len(self._recent) >= MAX_TRACKED_SENDERS:
            by_last = sorted(self._recent, key=lambda s: self._recent[s][-1])
            for sender in by_last[: len(by_last) // 2]:
                del self._recent[sender]
