"""govhall settings, read from the environment.

Development defaults work with nothing set (SQLite in ./var); production overrides live in
`govhall.settings.production`, which refuses to start without a real SECRET_KEY.
"""

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("GOVHALL_VAR_DIR", BASE_DIR / "var"))
NODE_MODULES = Path(os.environ.get("GOVHALL_NODE_MODULES", BASE_DIR / "node_modules"))
SHARED_DATA_DIR = Path(os.environ.get("GOVHALL_SHARED_DATA", BASE_DIR.parent / "shared" / "data"))

SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-insecure-key-change-me")
DEBUG = os.environ.get("GOVHALL_DEBUG", "1") == "1"
ALLOWED_HOSTS = [h for h in os.environ.get("GOVHALL_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("GOVHALL_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

# The public base URL, used in QR codes on printed guides so a phone can open the online page.
GOVHALL_PUBLIC_URL = os.environ.get("GOVHALL_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")
# The county this deployment serves (GB/T 2260 code); the demo county is 新巴尔虎右旗.
GOVHALL_COUNTY_CODE = os.environ.get("GOVHALL_COUNTY_CODE", "150727")
# Its name on English pages (the Chinese name comes from the divisions table).
GOVHALL_COUNTY_NAME_EN = os.environ.get("GOVHALL_COUNTY_NAME_EN", "New Barag Right Banner")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "govhall.core",
    "govhall.org",
    "govhall.catalog",
    "govhall.applicants",
    "govhall.cases",
    "govhall.hall",
    "govhall.ratings",
    "govhall.complaints",
    "govhall.licences",
    "govhall.shareddata",
    "govhall.bundles",
    "govhall.crossregion",
    "govhall.agents",
    "govhall.supervision",
    "govhall.anomalies",
    "govhall.monitor",
    "govhall.surveys",
    "govhall.histimport",
    "govhall.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "govhall.core.middleware.GovhallLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "govhall.urls"
WSGI_APPLICATION = "govhall.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "govhall" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "govhall.core.context_processors.site",
                "govhall.core.context_processors.notifications",
            ],
        },
    },
]

VAR_DIR.mkdir(parents=True, exist_ok=True)
_default_db = f"sqlite:///{VAR_DIR / 'govhall.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(os.environ.get("DATABASE_URL", _default_db), conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers work while one writer writes; IMMEDIATE takes the write lock at BEGIN so
        # two writers queue on busy_timeout instead of failing with "database is locked".
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "staff-home"
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [
    BASE_DIR / "govhall" / "static",
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
    ("vendor/echarts", NODE_MODULES / "echarts" / "dist"),
    # Web font for machines without a Chinese font (kiosks, fresh installs): unicode-range slices,
    # so a browser downloads only the slices a page uses, and only when no local font has them.
    ("vendor/noto-sans-sc", NODE_MODULES / "@fontsource" / "noto-sans-sc"),
]
MEDIA_ROOT = VAR_DIR / "media"  # never served directly; downloads go through permission-checked views
# Applicants' materials (PDF, JPEG, PNG): the largest file accepted, and what Django buffers.
GOVHALL_UPLOAD_MAX_BYTES = int(os.environ.get("GOVHALL_UPLOAD_MAX_BYTES", str(20 * 1024 * 1024)))
DATA_UPLOAD_MAX_MEMORY_SIZE = GOVHALL_UPLOAD_MAX_BYTES + 1024 * 1024
# History import (docs/history-import.md): the largest file accepted (a 1.5M-row CSV is ~450 MB; Django
# streams a file upload to a temporary file, DATA_UPLOAD_MAX_MEMORY_SIZE counts only the form fields),
# and the most an .xlsx may unpack to (openpyxl reads the shared strings into memory).
GOVHALL_HISTIMPORT_MAX_BYTES = int(os.environ.get("GOVHALL_HISTIMPORT_MAX_BYTES", str(2 * 1024**3)))
GOVHALL_HISTIMPORT_XLSX_MAX_UNCOMPRESSED = int(os.environ.get("GOVHALL_HISTIMPORT_XLSX_MAX_UNCOMPRESSED", str(1024**3)))
# Days an uploaded history file (applicants' ID numbers in clear) is kept for 继续 after its import
# stopped; then it is deleted and the same file is asked for again (histimport.services.uploads_expire).
GOVHALL_HISTIMPORT_UPLOAD_DAYS = int(os.environ.get("GOVHALL_HISTIMPORT_UPLOAD_DAYS", "7"))
# Days the rejects file of a finished import (the bad rows as the source system sent them, ID numbers
# masked) is kept for download; then it is deleted (histimport.services.rejects_expire).
GOVHALL_HISTIMPORT_REJECTS_DAYS = int(os.environ.get("GOVHALL_HISTIMPORT_REJECTS_DAYS", "90"))
# Days of 历史办件 the demo county imports before its live cases (load_demo): a year fills the
# dashboard's twelve-month trend (about 150,000 records, half a minute on SQLite).
GOVHALL_DEMO_HISTORY_DAYS = int(os.environ.get("GOVHALL_DEMO_HISTORY_DAYS", "365"))
# 容缺受理: working days the applicant has to bring the missing materials, unless the clerk sets it.
GOVHALL_RONGQUE_DAYS = int(os.environ.get("GOVHALL_RONGQUE_DAYS", "10"))
# 网上预约: this many no-shows within 30 days block new bookings for GOVHALL_NOSHOW_BLOCK_DAYS days.
GOVHALL_NOSHOW_LIMIT = int(os.environ.get("GOVHALL_NOSHOW_LIMIT", "3"))
GOVHALL_NOSHOW_BLOCK_DAYS = int(os.environ.get("GOVHALL_NOSHOW_BLOCK_DAYS", "30"))
# 12345 work orders: working days for a department to reply (一般 / 紧急), and for a 办不成事 problem.
GOVHALL_COMPLAINT_DAYS = int(os.environ.get("GOVHALL_COMPLAINT_DAYS", "5"))
GOVHALL_COMPLAINT_URGENT_DAYS = int(os.environ.get("GOVHALL_COMPLAINT_URGENT_DAYS", "1"))
GOVHALL_CANT_DO_DAYS = int(os.environ.get("GOVHALL_CANT_DO_DAYS", "5"))
# 好差评 (国办发〔2019〕51号): working days to verify a 差评, and to finish it (整改 and 回访).
GOVHALL_RATING_VERIFY_DAYS = int(os.environ.get("GOVHALL_RATING_VERIFY_DAYS", "3"))
GOVHALL_RATING_FOLLOWUP_DAYS = int(os.environ.get("GOVHALL_RATING_FOLLOWUP_DAYS", "15"))

# The embedded PDF font (Noto Sans SC, SIL OFL), installed from the npm registry by `make setup`.
GOVHALL_PDF_FONT_DIR = Path(os.environ.get("GOVHALL_PDF_FONT_DIR", NODE_MODULES / "@expo-google-fonts" / "noto-sans-sc"))

# Electronic seals (DATA-3): the 128-bit SM4 key (32 hex characters) that encrypts every
# department's SM2 private key at rest. The default is for development only; production refuses it.
GOVHALL_SEAL_KEY_DEV_DEFAULT = "00000000000000000000000000000000"
GOVHALL_SEAL_KEY = os.environ.get("GOVHALL_SEAL_KEY", GOVHALL_SEAL_KEY_DEV_DEFAULT)

# Supervision (SUP-2): the secret of the HMAC-SM3 that turns an applicant's ID number or USCC into
# the CaseFact.applicant_key used to spot repeated rejections. Live cases and imported history of
# one deployment share it; without it nobody can test guessed ID numbers against the keys. The
# default is for development only; production refuses to start without its own.
GOVHALL_APPLICANT_KEY_DEV_DEFAULT = "dev-only-applicant-key"
GOVHALL_APPLICANT_KEY = os.environ.get("GOVHALL_APPLICANT_KEY", GOVHALL_APPLICANT_KEY_DEV_DEFAULT)

# 跨区通办 between deployments (ONE-2, docs/cross-region.md): this node's id (default the county
# code) and name (default the county's name in the divisions table), the clock skew a signed request
# may have, the timeout of a call to a peer, and the centre whose pre-review queue receives cases.
GOVHALL_NODE_ID = os.environ.get("GOVHALL_NODE_ID", "")
GOVHALL_NODE_NAME = os.environ.get("GOVHALL_NODE_NAME", "")
GOVHALL_CROSSREGION_SKEW_SECONDS = int(os.environ.get("GOVHALL_CROSSREGION_SKEW_SECONDS", "300"))
GOVHALL_CROSSREGION_TIMEOUT = int(os.environ.get("GOVHALL_CROSSREGION_TIMEOUT", "15"))
GOVHALL_CROSSREGION_RECEIVING_CENTRE = os.environ.get("GOVHALL_CROSSREGION_RECEIVING_CENTRE", "")

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

SESSION_COOKIE_HTTPONLY = True

X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("GOVHALL_LOG_LEVEL", "WARNING")},
}

NINJA_PAGINATION_PER_PAGE = 20
