"""Production settings: `DJANGO_SETTINGS_MODULE=govhall.settings.production`.

Everything secret or site-specific comes from the environment; `manage.py check --deploy` is clean.
"""

import os

from django.core.exceptions import ImproperlyConfigured

from govhall.settings import *  # noqa: F403

DEBUG = False
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if len(SECRET_KEY) < 50 or SECRET_KEY.startswith("dev-only"):
    raise ImproperlyConfigured("SECRET_KEY must be set to a random value of at least 50 characters")
GOVHALL_SEAL_KEY = os.environ.get("GOVHALL_SEAL_KEY", "")
if len(GOVHALL_SEAL_KEY) != 32 or GOVHALL_SEAL_KEY.strip("0123456789abcdefABCDEF") or len(set(GOVHALL_SEAL_KEY)) < 8:
    raise ImproperlyConfigured("GOVHALL_SEAL_KEY must be set to 32 random hex characters (the SM4 key of the electronic seals)")
GOVHALL_APPLICANT_KEY = os.environ.get("GOVHALL_APPLICANT_KEY", "")
if len(GOVHALL_APPLICANT_KEY) < 32 or GOVHALL_APPLICANT_KEY.startswith("dev-only"):
    raise ImproperlyConfigured(
        "GOVHALL_APPLICANT_KEY must be set to a random value of at least 32 characters (the HMAC key of applicant keys)"
    )
if "GOVHALL_ALLOWED_HOSTS" not in os.environ:
    raise ImproperlyConfigured("GOVHALL_ALLOWED_HOSTS must list the host names this site answers to")

SECURE_SSL_REDIRECT = os.environ.get("GOVHALL_SSL_REDIRECT", "1") == "1"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = int(os.environ.get("GOVHALL_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_AGE = 8 * 3600
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
}
