"""Test settings: the ordinary settings with a fast password hasher (tests create many users), and
background tasks run at once inside the request (one test runs them through the real database
backend and worker: govhall/catalog/tests/test_import_job.py), and the demo's imported history
cut to two months (the suite loads the demo several times; a year adds half a minute each)."""

from govhall.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
GOVHALL_DEMO_HISTORY_DAYS = 60
