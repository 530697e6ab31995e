"""Settings for the khuyến công system.

Everything that differs between deployments comes from environment variables (README:
Configuration). Defaults are the safe production ones: DEBUG off, no secret key means no start.
"""

from __future__ import annotations

import contextlib
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from khuyencong.core.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("KC_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it to a long random string (README: Configuration)."
        )
    # Only a developer's machine with DEBUG=1 gets here (make run sets it).
    SECRET_KEY = "insecure-development-key-do-not-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "knox",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "simple_history",
    "django_htmx",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_tasks",
    "django_tasks_db",
    "csp",
    "khuyencong.core",
    "khuyencong.places",
    "khuyencong.accounts",
    "khuyencong.registry",
    "khuyencong.network",
    "khuyencong.programmes",
    "khuyencong.activities",
    "khuyencong.awards",
    "khuyencong.surveys",
    "khuyencong.reports",
    "khuyencong.portal",
    "khuyencong.api",
    # Login lockout (accounts/security.py); last, as its documentation asks.
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy on every answer (CONTENT_SECURITY_POLICY below).
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "khuyencong.core.middleware.VietnameseFirstMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # After LocaleMiddleware, so its 400 speaks the request's language.
    "khuyencong.core.middleware.RejectNulBytesMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Idle sessions end; then two-factor authentication: which device verified this
    # session (django-otp), the code or the setup before anything else (accounts/twofactor.py).
    "khuyencong.accounts.middleware.IdleTimeoutMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "khuyencong.accounts.middleware.TwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "khuyencong.core.middleware.PermissionsPolicyMiddleware",
    # Inline styles for the third-party HTML under /api/ only (Swagger UI, Redoc, DRF's
    # browsable API); after CSPMiddleware, so it marks the answer before the header is built.
    "khuyencong.core.middleware.ApiDocsStylesMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Turns a lockout noticed during a login into the 429 answer (accounts/security.py).
    "axes.middleware.AxesMiddleware",
    # A delete the database refuses (records still use it) answers a 409 page naming them.
    "khuyencong.core.middleware.InUseMiddleware",
    # After every middleware that reads the user, the session or the two-factor device from
    # the primary: the report pages named in REPLICA_READ_VIEWS read from the replica.
    "khuyencong.core.routing.ReplicaReadsMiddleware",
    # Last, so it sees the views' exceptions first: a lost database answers 503.
    "khuyencong.core.middleware.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "khuyencong.urls"
# Drop-downs written in Python, identical to Django's templates (core/renderers.py).
FORM_RENDERER = "khuyencong.core.renderers.FastSelectRenderer"
WSGI_APPLICATION = "khuyencong.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

if not env_str("DATABASE_URL"):
    VAR_DIR.mkdir(parents=True, exist_ok=True)  # the embedded SQLite database lives here

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'khuyencong.sqlite3'}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        # A persistent connection is checked before each request reuses it, and opened again
        # when the database restarted or a proxy dropped it (instead of a 500).
        conn_health_checks=True,
    )
}
# A PostgreSQL streaming replica (docs/deploy.md): the heavy report pages read from it, so
# the national annual report never slows the officers' entry on the primary.
if env_str("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        env_str("DATABASE_REPLICA_URL"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
REPLICA_READS = "replica" in DATABASES
DATABASE_ROUTERS = ["khuyencong.core.routing.ReplicaRouter"]
# The GET pages that read from the replica when there is one (core/routing.py): the report
# pages whose every figure is an aggregate, each GET only; never a page a user reads right
# after a change (the agency settings page, a form, reads the primary).
REPLICA_READ_VIEWS = frozenset(
    {
        "reports:summary",
        "reports:summary-file",
        "reports:forms",
        "reports:impact",
        "reports:quality",
        # The API's report views: after authenticating the caller on the primary
        # (api/replica.py).
        "api-report-summary",
        "api-report-form",
        "api-data-quality",
        "api-report-impact",
    }
)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "login"
# The lockout backend first: a locked-out username and address is refused before any
# password is checked (django-axes).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Vietnamese first, English available. Formats come from Django's own "vi" locale and our
# khuyencong/formats/ overrides (dd/mm/yyyy, "1.234.567").
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "khuyencong" / "locale"]
FORMAT_MODULE_PATH = ["khuyencong.formats"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Asia/Ho_Chi_Minh"
# Off: years, ids and codes are never grouped ("2026", not "2.026"), by construction. Money
# and counts are grouped by the filters of core/templatetags/kc.py ({{ x|number }}, |money).
USE_THOUSAND_SEPARATOR = False

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))
# Uploaded files are never served from a public folder: each view that returns one checks
# access and calls core.files.serve_file. Behind nginx, MEDIA_ACCEL_REDIRECT names its
# `internal` location for MEDIA_ROOT (e.g. /_protected/) and nginx sends the bytes.
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
if not env_str("MEDIA_ROOT"):
    # The default folder is made here, as the SQLite one is: /healthz/ measures its disk, and
    # a fresh `make run` has no upload yet. A MEDIA_ROOT the deployment sets must exist (shared
    # storage not mounted is a fault /healthz/ reports).
    with contextlib.suppress(OSError):
        MEDIA_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_ACCEL_REDIRECT = env_str("MEDIA_ACCEL_REDIRECT", "")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG
if DEBUG:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns when it is missing
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024  # form fields; uploaded files stream to disk

# Cache: Redis when REDIS_URL is set (several app servers share it), else per-process memory.
# ``reports`` holds the computed report figures (reports/cache.py); its keys carry the data
# versions read from the database, so it is correct whether or not the processes share it.
REDIS_URL = env_str("REDIS_URL")
_REPORTS_CACHE: dict[str, object]
if REDIS_URL:
    _REPORTS_CACHE = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "reports",
    }
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        },
        "reports": _REPORTS_CACHE,
    }
else:
    _REPORTS_CACHE = {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "reports",
        "OPTIONS": {"MAX_ENTRIES": 2000},
    }
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "reports": _REPORTS_CACHE,
    }

# Background work (core/jobs.py). Without a worker, tasks run inline right after the commit
# that created them; TASKS_BACKEND=database queues them in the database for `manage.py db_worker`.
TASKS_BACKEND = env_str("TASKS_BACKEND", "immediate")
if TASKS_BACKEND not in {"immediate", "database"}:
    raise ImproperlyConfigured("TASKS_BACKEND must be 'immediate' or 'database'")
TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks_db.DatabaseBackend"
            if TASKS_BACKEND == "database"
            else "django_tasks.backends.immediate.ImmediateBackend"
        )
    }
}
# Imports and exports with more rows than this go to the background; smaller ones run inline.
JOBS_INLINE_MAX_ROWS = env_int("JOBS_INLINE_MAX_ROWS", 300)
# The largest establishment import (rows); larger files are refused with a message.
IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", 200_000)
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_MB", 20) * 1024 * 1024
# Faults (docs/jobs.md): runs of a job before it fails for good, the first retry delay
# (doubled each time), how often a running job beats, and after how long without a beat its
# worker is taken for dead and the job is given to another (manage.py recover_jobs).
JOB_MAX_ATTEMPTS = env_int("JOB_MAX_ATTEMPTS", 3)
JOB_RETRY_SECONDS = env_int("JOB_RETRY_SECONDS", 30)
JOB_HEARTBEAT_SECONDS = env_int("JOB_HEARTBEAT_SECONDS", 15)
JOB_STALE_SECONDS = env_int("JOB_STALE_SECONDS", 120)
# /healthz/: the disk holding uploads must keep this much free space (MB).
HEALTH_MIN_FREE_MB = env_int("HEALTH_MIN_FREE_MB", 500)

# The public online application (surveys, portal): sends per client address and hour, shared
# by the public form and POST /api/v1/applications/; proxies in front that set
# X-Forwarded-For (0 = use the connection's address).
APPLICATIONS_PER_HOUR = env_int("APPLICATIONS_PER_HOUR", 10)
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "khuyencong.accounts.tokens.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "khuyencong.api.pagination.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "khuyencong.api.schema.AutoSchema",
    "DEFAULT_PARSER_CLASSES": [
        "khuyencong.api.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "EXCEPTION_HANDLER": "khuyencong.api.exceptions.exception_handler",
    "DATE_FORMAT": "iso-8601",
    "COERCE_DECIMAL_TO_STRING": False,
}
# API tokens (django-rest-knox): only a digest is stored; each expires after
# API_TOKEN_TTL_DAYS and may be revoked earlier on /account/security/.
REST_KNOX = {
    "TOKEN_TTL": timedelta(days=env_int("API_TOKEN_TTL_DAYS", 30)),
    "AUTH_HEADER_PREFIX": "Token",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Khuyến công API",
    "DESCRIPTION": "REST API of the khuyến công management system (v1).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "QuestionKindEnum": "khuyencong.surveys.services.QUESTION_KINDS",
        "EstablishmentKindEnum": "khuyencong.registry.models.Establishment.Kind",
        "ReportSubmissionStatusEnum": "khuyencong.reports.models.ReportSubmission.Status",
    },
}

# Password guessing (docs/security.md): after LOGIN_FAILURE_LIMIT wrong passwords for one
# username from one address, the login page and the token endpoint answer 429 with
# Retry-After for LOGIN_LOCKOUT_MINUTES; an administrator may lift it earlier
# (/account/security/ or the admin).
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "khuyencong.accounts.security.lockout_response"
AXES_CLIENT_IP_CALLABLE = "khuyencong.accounts.security.client_ip"
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = False

# Two-factor authentication (TOTP app + recovery codes) is required for administrators,
# provincial managers and national officers unless REQUIRE_2FA=0 (`make run` sets it for
# the demo); anyone may turn it on for their own account.
REQUIRE_2FA = env_bool("REQUIRE_2FA", True)
OTP_TOTP_ISSUER = "Khuyến công"
# Wrong codes wait 1, 2, 4, 8… seconds before the next try (django-otp's throttling).
OTP_TOTP_THROTTLE_FACTOR = 1

# Sessions end SESSION_HOURS after the login, after SESSION_IDLE_MINUTES without a request,
# and — for administrators and staff — when the browser closes (accounts/signals.py).
SESSION_COOKIE_AGE = env_int("SESSION_HOURS", 10) * 3600
SESSION_IDLE_MINUTES = env_int("SESSION_IDLE_MINUTES", 60)

# Password reset mails (and any other): the console in development, SMTP in production.
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "khuyencong@localhost")
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_HOURS", 2) * 3600
# Reset requests per client address and hour (a mailbox is not to be flooded).
PASSWORD_RESETS_PER_HOUR = env_int("PASSWORD_RESETS_PER_HOUR", 5)

SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# HSTS is sent on HTTPS answers only (SecurityMiddleware); a year by default in production.
SECURE_HSTS_SECONDS = env_int("HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("HSTS_INCLUDE_SUBDOMAINS", False)
# Only a statement that the site agrees to be preloaded; nothing happens until the owner of
# the domain submits it to hstspreload.org (deploy/khuyencong.env.example).
SECURE_HSTS_PRELOAD = env_bool("HSTS_PRELOAD", False)
# Redirect plain HTTP to HTTPS when the site is served over TLS (README: Configuration).
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
# Health probes ask the app server itself over plain HTTP (systemd, compose, a balancer).
SECURE_REDIRECT_EXEMPT = [r"^healthz/$"]
# Browser features no page uses (core.middleware.PermissionsPolicyMiddleware).
PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"
)
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp; docs/security.md): scripts, styles, images, fonts and
# connections from this site only; no inline script, no inline event handler, no inline
# style, no eval, no plugin, no framing, forms posted to this site only. The pages keep their
# behaviour in static files (core/static/core/app.js). The only relaxation: inline styles on
# the third-party HTML under /api/ (core.middleware.ApiDocsStylesMiddleware).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "worker-src": ["'self'"],
        "manifest-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
if env_bool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # django-axes tells every successful login at INFO; failures and lockouts are warnings.
    "loggers": {"axes": {"level": "WARNING"}},
}
