"""CCHC settings. Every environment variable read here is documented in README.md."""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from config.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", False)
# CCHC_ENV=production makes SECRET_KEY mandatory; development (default) uses a fixed dev key.
CCHC_ENV = env_str("CCHC_ENV", "development")
if CCHC_ENV not in {"development", "production"}:
    raise ValueError(f"CCHC_ENV={CCHC_ENV!r}: use development or production")
SECRET_KEY = env_str(
    "SECRET_KEY", "insecure-dev-key-change-me" if CCHC_ENV == "development" else None
)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "cchc.core",
    "cchc.agencies",
    "cchc.accounts",
    "cchc.catalogue",
    "cchc.dossiers",
    "cchc.portal",
    "cchc.paperwork",
    "cchc.feedback",
    "cchc.surveys",
    "cchc.indices",
    "cchc.reform",
    "cchc.plans",
    "cchc.interchange",
    "cchc.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

# Background jobs (cchc.core.jobs): Django's tasks framework, database backend. A job
# enqueued inside a service's transaction is committed with the change it follows.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# `compute_indices --scheme X` for schemes computed by another module: a function
# (period: str, *, province_code: str) -> the interchange.md §2 document, raising DomainError
# with a Vietnamese message on a bad period.
INDEX_SCHEMES = {
    "sipas": "cchc.surveys.results.index_document",
    "par": "cchc.reform.results.index_document",
}

# Platform measures of other modules (cchc.indices.measures): name -> function
# (*, agency_code, period) -> Measure. The 766-based measures are built in.
PLATFORM_MEASURES: dict[str, str] = {
    "sipas": "cchc.surveys.results.sipas_measure",
}

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "cchc.accounts.context_processors.roles",
                "cchc.core.context_processors.site",
            ],
        },
    }
]

# DATABASE_URL: postgres://user@host:5432/name or sqlite:///path. Unset: embedded SQLite file.
DEFAULT_SQLITE = BASE_DIR / "var" / "cchc.sqlite3"
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{DEFAULT_SQLITE}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})
    # WAL + a busy timeout so the demo server and a worker can share the file.
    DATABASES["default"]["OPTIONS"].update(
        {"timeout": 20, "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"}
    )
    DATABASES["default"]["TEST"] = {"NAME": None}
elif env_bool("DB_PREPARED_STATEMENTS", True):
    # PostgreSQL: bind parameters on the server and let psycopg prepare a statement after it
    # ran 5 times on a connection, so the hot lifecycle statements are planned once per
    # connection instead of on every call (planning the dossier lock with its joins cost
    # more than running it). Turn off behind a transaction-pooling proxy (PgBouncer < 1.21).
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update({"server_side_binding": True, "prepare_threshold": 5})
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600)

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
MEDIA_URL = "/media/"
# Largest accepted upload (MB) for dossier documents and petition attachments.
MAX_UPLOAD_MB = env_int("MAX_UPLOAD_MB", 10)
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_UPLOAD_MB * 1024 * 1024 + 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# Mail: any SMTP server via EMAIL_HOST etc.; console backend by default for the demo.
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "CCHC <no-reply@cchc.local>")
# SMS channel: dotted path to a class with send(phone, text); the default logs the message.
SMS_BACKEND = env_str("SMS_BACKEND", "cchc.portal.sms.LogSmsBackend")

# The province this installation serves (official two-digit code, 01 = Hà Nội).
CCHC_PROVINCE_CODE = env_str("CCHC_PROVINCE_CODE", "01")

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "cchc_cache",
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

if not DEBUG:
    SESSION_COOKIE_HTTPONLY = True
    CSRF_COOKIE_HTTPONLY = False
    X_FRAME_OPTIONS = "DENY"
    SECURE_CONTENT_TYPE_NOSNIFF = True

# Reference data loaded by data migrations, reloaded after a flush (cchc/core/reference_data.py):
# (model whose emptiness means "missing", migration module, seed function).
CCHC_REFERENCE_DATA = [
    ("core.RuleVersion", "cchc.core.migrations.0002_seed_rules", "seed"),
    ("agencies.AdministrativeUnit", "cchc.agencies.migrations.0002_official_units", "load"),
    ("feedback.Topic", "cchc.feedback.migrations.0002_seed_and_append_only", "seed"),
    ("indices.Scheme", "cchc.indices.migrations.0002_seed_qd766", "seed"),
]

# How index facts follow dossier changes: "immediate" refreshes after each commit (the demo;
# nothing else to run), "queued" only marks the dossier and `manage.py run_index_worker`
# refreshes marked dossiers in batches (higher intake throughput; figures lag by seconds).
INDICES_REFRESH = env_str("INDICES_REFRESH", "immediate")
if INDICES_REFRESH not in {"immediate", "queued"}:
    raise ValueError(f"INDICES_REFRESH={INDICES_REFRESH!r}: use immediate or queued")

# API tokens a web server process has checked are kept for at most this many seconds, and
# forgotten at once when a token, user or membership changes (PostgreSQL notifies every
# process: cchc.accounts.tokens). 0 reads the token on every request; SQLite always does.
API_TOKEN_CACHE_SECONDS = env_int("API_TOKEN_CACHE_SECONDS", 60)

# Map for locating petitions: a tile server the office can reach ({z}/{x}/{y} URL template).
# Empty: no map, the form keeps plain latitude/longitude fields (closed networks).
MAP_TILE_URL = env_str("MAP_TILE_URL", "")
MAP_TILE_ATTRIBUTION = env_str("MAP_TILE_ATTRIBUTION", "")
MAP_CENTER = env_str("MAP_CENTER", "21.0285,105.8542")  # Hà Nội
