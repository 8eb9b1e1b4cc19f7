"""Test settings: the ordinary settings with a fast password hasher (tests create many users), and
background tasks run at once inside the request (one test runs them through the real database
backend and worker: govhall/catalog/tests/test_import_job.py)."""

from govhall.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
