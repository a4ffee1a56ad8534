"""Start and drive the real servers: one harness for the integration tests and the benchmark.

* `harness.env`: the environment every server gets, read from scripts/common.sh
  (the one list of defaults, shared with `make run`);
* `harness.servers`: free ports, the action server and the Rasa server (started
  through runtime/launch.py, as scripts/servers.sh does), a generic process, and
  `Chat`, one user's conversation over REST;
* `harness.scale_stack`: the scale-out stack (scripts/scale_up.sh) and complete
  assessments to drive through it;
* `harness.situations`: business situations answered in free text, shared by
  the assessment tests and the benchmark.
"""
