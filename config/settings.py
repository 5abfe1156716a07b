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
# Keys that encrypt personal data at rest (phone, e-mail, address: cchc/core/personal.py):
# comma-separated Fernet keys, the first encrypts, every one decrypts (rotation: README).
# Required in production; development derives one from SECRET_KEY.
CCHC_FIELD_KEYS = env_list("CCHC_FIELD_KEYS", [])
if not CCHC_FIELD_KEYS:
    if CCHC_ENV == "production":
        from config.env import ConfigError

        raise ConfigError("Environment variable CCHC_FIELD_KEYS is required in production")
    import base64 as _b64
    import hashlib as _hashlib

    # the same derivation as cchc.core.personal.derived_dev_key (settings import no app)
    CCHC_FIELD_KEYS = [
        _b64.urlsafe_b64encode(
            _hashlib.sha256(b"cchc-field-key:" + SECRET_KEY.encode()).digest()
        ).decode()
    ]
# The key of the keyed look-up hashes (citizen ID, phone, e-mail, sign-in names:
# cchc/core/personal.py). Empty: SECRET_KEY. Set it to the old SECRET_KEY before changing
# SECRET_KEY, so every look-up keeps matching (README "Personal data", rehash_lookups).
CCHC_LOOKUP_KEY = env_str("CCHC_LOOKUP_KEY", "")
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
    "django.forms",  # its widget templates, found by our FORM_RENDERER through TEMPLATES
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
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
    "cchc.rulebook",
    "cchc.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Vietnamese unless the reader chose English (pages ignore the browser's Accept-Language;
    # the API and Open311 still negotiate): cchc/core/locale_choice.py
    "cchc.core.locale_choice.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Control characters (NUL...) and non-object JSON bodies refused before any view runs.
    "cchc.core.middleware.InputGuardMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "cchc.accounts.middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # A sign-in's `next` that the account may not open lands on its own home (accounts.landing)
    "cchc.accounts.landing.LandingMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # django-csp, with the policy strings kept between responses (cchc/core/csp.py)
    "cchc.core.csp.CSPMiddleware",
    # Last, as django-axes requires: turns a lock-out raised by its backend into a 429 page.
    "axes.middleware.AxesMiddleware",
]

# Background jobs (cchc.core.jobs): Django's tasks framework, database backend. A job
# enqueued inside a service's transaction is committed with the change it follows.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# `compute_indices --scheme X` for schemes computed by another module: a function
# (period: str, *, province_code: str) -> the interchange.md §2 document, raising DomainError
# with a Vietnamese message on a bad period. Called with `viewer=<user>` (the indices'
# scorecard), the document also carries `unit_urls`: unit code -> the unit's result page,
# for the units whose page that user may open (the export is called without it).
INDEX_SCHEMES = {
    "sipas": "cchc.surveys.results.index_document",
    "par": "cchc.reform.results.index_document",
}

# Platform measures of other modules (cchc.indices.measures): name -> function
# (*, agency_code, period) -> Measure. The 766-based measures are built in.
PLATFORM_MEASURES: dict[str, str] = {
    "tasks_on_time": "cchc.plans.reports.tasks_on_time",
    "findings_closed": "cchc.plans.reports.findings_closed",
    "sipas": "cchc.surveys.results.sipas_measure",
}
# Where the per-dossier evaluation reads its criteria (issue 13.9): the survey engine's
# method version `danh-gia-ho-so` (rule data), not a constant of the dossiers app, which
# may not import the surveys app (surveys reads dossiers for its sampling frames).
DOSSIER_EVALUATION_CRITERIA = "cchc.surveys.methods.evaluation_criteria"

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

# Every form field renders through templates/includes/field.html (labels, help, errors and
# aria-describedby pointing at ids that exist): see cchc/core/rendering.py.
FORM_RENDERER = "cchc.core.rendering.FormRenderer"

# DATABASE_URL: postgres://user@host:5432/name or sqlite:///path. Unset: embedded SQLite file.
DEFAULT_SQLITE = BASE_DIR / "var" / "cchc.sqlite3"
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{DEFAULT_SQLITE}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
    )
}
# SQLite (the demo): WAL + a busy timeout so the demo server and a worker can share the
# file; transactions take the write lock when they begin (IMMEDIATE), so two writers queue
# on the timeout instead of the second failing at once with "database is locked" when it
# upgrades a read to a write (a double click on "submit" showed the error page).
SQLITE_OPTIONS = {
    "timeout": 20,
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    "transaction_mode": "IMMEDIATE",
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(SQLITE_OPTIONS)
    DATABASES["default"]["TEST"] = {"NAME": None}
    # The index tables' covering indexes (INCLUDE columns) serve PostgreSQL's index-only
    # scans; SQLite builds them without those columns, which is all the demo needs.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
elif env_bool("DB_PREPARED_STATEMENTS", True):
    # PostgreSQL: bind parameters on the server and let psycopg prepare a statement after it
    # ran 5 times on a connection, so the hot lifecycle statements are planned once per
    # connection instead of on every call (planning the dossier lock with its joins cost
    # more than running it). Turn off behind a transaction-pooling proxy (PgBouncer < 1.21).
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update({"server_side_binding": True, "prepare_threshold": 5})
# MIGRATION_DATABASE_URL: the owner role of the same database (docs/security.md §7). The
# application connects with DATABASE_URL as a role that may read and write rows but not
# TRUNCATE, alter or own tables, nor touch triggers (`manage.py grant_app_role`); migrations
# run as the owner: `manage.py migrate --database owner` (then `grant_app_role`).
if env_str("MIGRATION_DATABASE_URL", "-") != "-":
    DATABASES["owner"] = {
        **DATABASES["default"],
        **dj_database_url.parse(env_str("MIGRATION_DATABASE_URL"), conn_max_age=0),
        "OPTIONS": dict(DATABASES["default"].get("OPTIONS", {})),
        "TEST": {"MIRROR": "default"},
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
# ASVS V2.1: at least 12 characters, not one of the 20,000 most common passwords, not the
# user's own name or address, not all digits.
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Sign-in throttle (django-axes; cchc.accounts.lockout). A wrong password counts against the
# pair (account, client address): AXES_FAILURE_LIMIT failures lock that pair for
# AXES_COOLOFF_MINUTES, so one office's shared address is never locked as a whole. Beyond
# that an account is locked from every address after LOGIN_ACCOUNT_FAILURE_LIMIT failures and
# an address for every account after LOGIN_ADDRESS_FAILURE_LIMIT failures — except for a
# browser holding the signed "device cookie" of an earlier successful sign-in to that account
# (OWASP's device-cookie lock-out), so the real user keeps working during an attack.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    # sign-in with the e-mail or phone of an account (encrypted, found by keyed hash)
    "cchc.accounts.backends.ContactBackend",
]
AXES_HANDLER = "cchc.accounts.lockout.CchcAxesHandler"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "username", "ip_address"]
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
LOGIN_ACCOUNT_FAILURE_LIMIT = env_int("LOGIN_ACCOUNT_FAILURE_LIMIT", 20)
LOGIN_ADDRESS_FAILURE_LIMIT = env_int("LOGIN_ADDRESS_FAILURE_LIMIT", 100)
AXES_COOLOFF_MINUTES = env_int("LOGIN_COOLOFF_MINUTES", 15)
AXES_COOLOFF_TIME = AXES_COOLOFF_MINUTES / 60  # hours
# How old the last check of who is at the keyboard (the sign-in, an authenticator code or the
# password) may be before a change that guards an account asks again: the second factor
# replaced or turned off, the password changed, staff accounts added or changed
# (cchc.accounts.second_factor.recently_checked).
CCHC_RECHECK_MINUTES = env_int("CCHC_RECHECK_MINUTES", 15)
# Pages that answer about a dossier code (status, QR, receipt, evaluation), per 15 minutes:
# distinct codes one address may ask about (walking codes), requests about one code from
# every address together (guessing its ID digits). cchc/portal/throttle.py says why.
CODES_PER_ADDRESS = env_int("CODES_PER_ADDRESS", 120)
CODE_REQUESTS_PER_CODE = env_int("CODE_REQUESTS_PER_CODE", 60)
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "cchc.accounts.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "cchc.accounts.lockout.client_address"
AXES_VERBOSE = False
# axes stores and counts a keyed hash of the typed name (an e-mail or phone for citizens),
# never the name itself (issue 12.6; cchc.accounts.lockout.hash_typed_username).
AXES_USERNAME_CALLABLE = "cchc.accounts.lockout.axes_username"
# Second factor (django-otp, TOTP): required for Django-admin users (is_staff/superuser),
# offered to every staff account at /accounts/otp/setup/.
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "CCHC")
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600)
# A link to set a new password (cchc/portal/password.py) works for an hour, and only once.
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_TIMEOUT", 3600)

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
# Our apps' catalogues as well: Django ranks LOCALE_PATHS above every app, and the apps in
# INSTALLED_APPS order, so Django's own apps (listed first) would otherwise win wherever they
# translate the same English word: "History" read "Bản ghi nhớ" (admin's), "version" stayed
# English (auth's). check_translations keeps our catalogues from disagreeing among themselves.
LOCALE_PATHS = [BASE_DIR / "locale", *sorted((BASE_DIR / "cchc").glob("*/locale"))]
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
# how long the answer of an API write sent with an Idempotency-Key can be replayed
# (cchc.core.idempotency); a client retries within minutes, a day covers an overnight batch
IDEMPOTENCY_KEY_TTL_HOURS = env_int("IDEMPOTENCY_KEY_TTL_HOURS", 24)
# a survey file answer no response refers to is deleted once it is this old
# (manage.py clean_survey_files / the cchc.surveys.files.clean_orphan_files_job job): a
# respondent who uploads and then abandons the form leaves it behind; a day leaves every form
# being filled in time to be sent
SURVEY_ORPHAN_FILE_HOURS = env_int("SURVEY_ORPHAN_FILE_HOURS", 24)
# age after which a survey campaign's live figures are recomputed in the background even
# without a new response (what no write announces, such as a unit moved to another ranking
# group), and after which a recomputation still waiting is asked for again: a response
# recorded, reviewed or corrected makes the next view queue one at once (cchc/surveys/live.py)
SURVEY_LIVE_RESULTS_SECONDS = env_int("SURVEY_LIVE_RESULTS_SECONDS", 600)
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
SMS_BACKEND = env_str("SMS_BACKEND", "cchc.core.sms.LogSmsBackend")
# cchc.core.sms.HttpSmsBackend: the HTTP SMS gateway (see its docstring). The body
# template is JSON with $phone, $text and $sender placeholders.
SMS_GATEWAY_URL = env_str("SMS_GATEWAY_URL", "")
SMS_GATEWAY_USER = env_str("SMS_GATEWAY_USER", "")
SMS_GATEWAY_PASSWORD = env_str("SMS_GATEWAY_PASSWORD", "")
SMS_GATEWAY_TOKEN = env_str("SMS_GATEWAY_TOKEN", "")
SMS_GATEWAY_SENDER = env_str("SMS_GATEWAY_SENDER", "")
SMS_GATEWAY_TEMPLATE = env_str("SMS_GATEWAY_TEMPLATE", '{"to": "$phone", "text": "$text"}')
SMS_GATEWAY_TIMEOUT = env_int("SMS_GATEWAY_TIMEOUT", 10)
# Synchronisation of dossiers to the national public service portal (cchc.interchange.
# portal_sync): each change is POSTed as JSON in the national field names. Empty URL: nothing
# is sent, and the sync metrics show "no data" rather than 0.
DOSSIER_SYNC_URL = env_str("DOSSIER_SYNC_URL", "")
DOSSIER_SYNC_USER = env_str("DOSSIER_SYNC_USER", "")
DOSSIER_SYNC_PASSWORD = env_str("DOSSIER_SYNC_PASSWORD", "")
DOSSIER_SYNC_TOKEN = env_str("DOSSIER_SYNC_TOKEN", "")
DOSSIER_SYNC_TIMEOUT = env_int("DOSSIER_SYNC_TIMEOUT", 15)

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

# Transport security (README "Configuration reference"). Production defaults are the strict
# ones; each can be overridden, e.g. SECURE_SSL_REDIRECT=0 when the proxy already redirects.
_PROD = CCHC_ENV == "production"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", _PROD)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", _PROD)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", _PROD)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000 if _PROD else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", _PROD)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", _PROD)
# "HTTP_X_FORWARDED_PROTO,https": trust this header from the reverse proxy (only if the proxy
# always sets it and clients cannot reach the server directly).
_proxy_header = env_list("SECURE_PROXY_SSL_HEADER", [])
if _proxy_header and len(_proxy_header) != 2:
    raise ValueError(
        "SECURE_PROXY_SSL_HEADER: use HEADER_NAME,value e.g. HTTP_X_FORWARDED_PROTO,https"
    )
SECURE_PROXY_SSL_HEADER = tuple(_proxy_header) if _proxy_header else None
# The client address for throttles comes from X-Real-IP only when this says a proxy sets it.
TRUST_X_REAL_IP = env_bool("TRUST_X_REAL_IP", False)
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Content-Security-Policy on every response (django-csp 4): scripts only from this site,
# never inline (templates load static/cchc/*.js). Inline style attributes are allowed.
_tile_origin = ""
if env_str("MAP_TILE_URL", ""):
    from urllib.parse import urlsplit as _urlsplit

    _tile = _urlsplit(env_str("MAP_TILE_URL", ""))
    _tile_origin = f"{_tile.scheme}://{_tile.netloc.replace('{s}', '*')}" if _tile.netloc else ""
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", *([_tile_origin] if _tile_origin else [])],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

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
# The notification outbox: how long a worker holds a message it took (a crashed worker's
# messages come back after it), and the first retry's delay after a failed send (doubling).
NOTIFICATION_LEASE_SECONDS = env_int("NOTIFICATION_LEASE_SECONDS", 300)
NOTIFICATION_RETRY_SECONDS = env_int("NOTIFICATION_RETRY_SECONDS", 60)
if INDICES_REFRESH not in {"immediate", "queued"}:
    raise ValueError(f"INDICES_REFRESH={INDICES_REFRESH!r}: use immediate or queued")

# Map for locating petitions: a tile server the office can reach ({z}/{x}/{y} URL template).
# Empty: no map, the form keeps plain latitude/longitude fields (closed networks).
MAP_TILE_URL = env_str("MAP_TILE_URL", "")
MAP_TILE_ATTRIBUTION = env_str("MAP_TILE_ATTRIBUTION", "")
MAP_CENTER = env_str("MAP_CENTER", "21.0285,105.8542")  # Hà Nội
