"""The action server runs no model: started as in production (runtime/launch.py),
it loads no TensorFlow, even after reading free-text answers with spaCy (whose
thinc would import it), and stays small (#14: action server RSS at most 250 MB)."""

from pathlib import Path

from harness.servers import ActionServer, Chat, RasaServer

MAX_RSS_MB = 250


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError(f"no VmRSS for process {pid}")


def loaded_libraries(pid: int) -> str:
    return Path(f"/proc/{pid}/maps").read_text()


def test_the_action_server_loads_no_tensorflow_and_stays_small(
    hardened_stack: tuple[RasaServer, ActionServer],
) -> None:
    server, actions = hardened_stack
    assert actions.process is not None
    chat = Chat(server.base_url)
    # A free-text assessment: the form's validation reads every answer (spaCy lemmas).
    chat.say("help me decide whether to outsource our payroll")
    chat.say("nah not really core")
    assert "basic skills" in chat.text("pretty routine, mostly scripted").lower()
    pid = actions.process.pid
    assert "libtensorflow" not in loaded_libraries(pid)
    assert rss_mb(pid) <= MAX_RSS_MB, f"action server RSS {rss_mb(pid):.0f} MB"
