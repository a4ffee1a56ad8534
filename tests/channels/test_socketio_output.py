"""The socket.io output sends a custom JSON message instead of failing on it."""

from __future__ import annotations

import asyncio
from typing import Any

from channels.socketio import GuardedSocketIOOutput


class RecordingServer:
    def __init__(self) -> None:
        self.emitted: list[tuple[str, Any, dict[str, Any]]] = []

    async def emit(self, event: str, data: Any = None, **kwargs: Any) -> None:
        self.emitted.append((event, data, kwargs))


def test_a_custom_json_message_reaches_the_conversations_room() -> None:
    server = RecordingServer()
    output = GuardedSocketIOOutput(server, "bot_uttered")
    message = {"handoff": {"summary": "payroll", "report_url": None}}
    asyncio.run(output.send_response("conversation-1", {"custom": message}))
    assert server.emitted == [("bot_uttered", {"custom": message}, {"room": "conversation-1"})]
