"""This project's changes to Rasa's runtime and how Rasa is started.

* runtime/patches.py: the one table of every replaced Rasa symbol (what, why, its
  test, the Rasa version it was written for), with `install()` / `uninstall()`
  and the version guard;
* runtime/launch.py: the one entry point every server start uses
  (``python -m runtime.launch run ...``), which installs them;
* runtime/launch_env.py: what the launcher settles first (secrets, umask, limits);
* runtime/settings.py: the Rasa server's settings, read once;
* runtime/policies.py: the policies config.yml names (Rasa's extension point, no patch);
* the patches themselves, one module each (action_guard.py changes behaviour; the
  others are listed in the table with what they change or gain).

Importing this package is cheap (no Rasa): the action server starts through the
same launcher.
"""
