"""This project's changes to Rasa's runtime and how Rasa is started.

* runtime/patches.py: the one table of every replaced Rasa symbol (what, why, its
  test, the Rasa version it was written for), with `install()` / `uninstall()`
  and the version guard;
* runtime/launch.py: the one entry point every server start uses
  (``python -m runtime.launch run ...``), which installs them;
* runtime/launch_env.py: what the launcher settles first (secrets, umask, limits);
* runtime/action_response.py, action_events.py, event_lookup.py, model_loading.py: the
  speed-ups.

Importing this package is cheap (no Rasa): the action server starts through the
same launcher.
"""
