"""A tiny terminal client for the running assistant's REST channel.

Usage: python scripts/chat_cli.py http://127.0.0.1:5005
Buttons are shown numbered; type the number to click one.
"""

import sys
import uuid
from typing import Any

import requests


def main(base_url: str) -> None:
    sender = f"shell-{uuid.uuid4().hex[:8]}"
    buttons: list[dict[str, Any]] = []
    print("Chat with the Outsourcing Advisor (Ctrl-D to quit).")
    while True:
        try:
            text = input("you> ").strip()
        except (EOFError, KeyboardInterrupt):
            print()
            return
        if text.isdigit() and 0 < int(text) <= len(buttons):
            text = buttons[int(text) - 1]["payload"]
        reply = requests.post(
            f"{base_url}/webhooks/rest/webhook",
            json={"sender": sender, "message": text},
            timeout=30,
        )
        buttons = []
        for message in reply.json():
            if message.get("text"):
                print(f"bot> {message['text']}")
            for button in message.get("buttons", []):
                buttons.append(button)
                print(f"     [{len(buttons)}] {button['title']}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:5005")
