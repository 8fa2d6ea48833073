"""Settings, read from the environment with django-environ.

Variables: DATABASE_URL (default: SQLite file in the project), REDIS_URL (set: Celery broker and workers;
unset: tasks run in-process), SECRET_KEY (required when DEBUG is off), DEBUG, ALLOWED_HOSTS,
CSRF_TRUSTED_ORIGINS, SECURE_SSL_REDIRECT, MAX_UPLOAD_MB, IMPORT_STAGING_DIR, STAGING_STORAGE_BACKEND,
EVIDENCE_STORAGE_BACKEND, EMAIL_URL, HEALTHZ_TOKEN, login lockout (AXES_*, TRUST_X_FORWARDED_FOR), sessions,
SCORE_SWEEP_MINUTES; the README's Configuration section lists them all.
A ``.env`` file beside manage.py is read when present.
"""

import sys
import tempfile
from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

RUNNING_TESTS = "pytest" in sys.modules or (len(sys.argv) > 1 and sys.argv[1] == "test")

DEBUG = env.bool("DEBUG", default=False)
DEV_SECRET_KEY = "django-insecure-dev-only-change-me"
SECRET_KEY = env("SECRET_KEY", default=DEV_SECRET_KEY)
# Commands that neither serve nor sign anything may run without a key (lint in CI, translations).
KEYLESS_COMMANDS = {"makemigrations", "makemessages", "compilemessages"}
if (
    not DEBUG
    and SECRET_KEY == DEV_SECRET_KEY
    and not RUNNING_TESTS
    and not (len(sys.argv) > 1 and sys.argv[1] in KEYLESS_COMMANDS)
):
    raise ImproperlyConfigured(
        "SECRET_KEY is the development default while DEBUG is off: set SECRET_KEY in the environment "
        "(e.g. python3 -c 'import secrets; print(secrets.token_urlsafe(50))'), or DEBUG=1 for development."
    )
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# The project's apps come first so that their translations take precedence over Django's own catalogues.
INSTALLED_APPS = [
    "config.apps.KernelConfig",
    "counties",
    "indicators",
    "funding",
    "inspections",
    "training",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "import_export",
    "simple_history",
    "axes",
    "csp",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "config.middleware.DefaultLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before CSRF, which parses (and spools) multipart bodies to read its token.
    "config.middleware.RequestSizeGuardMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "csp.middleware.CSPMiddleware",
    "config.security.PermissionsPolicyMiddleware",
    # Last, as django-axes requires: answers the lockout page to a locked-out login.
    "axes.middleware.AxesMiddleware",
]

# History tables get no index on their date: every history read filters by the object or the report first, and
# the index was a third of the time an import spends writing the value history (27,810 equal dates per file).
SIMPLE_HISTORY_DATE_INDEX = False

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "config.context_processors.navigation",
                "counties.context_processors.notifications",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"].setdefault("ATOMIC_REQUESTS", False)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Concurrent writers (two browser saves, a save and the in-process recompute) wait for each other instead
    # of failing with "database is locked": every transaction takes the write lock when it begins (IMMEDIATE,
    # so a reader never has to upgrade mid-transaction, which SQLite refuses without waiting), WAL lets readers
    # go on while one writes, and a writer waits up to SQLITE_BUSY_TIMEOUT seconds for the lock.
    sqlite_options = DATABASES["default"].setdefault("OPTIONS", {})
    sqlite_options.setdefault("timeout", env.int("SQLITE_BUSY_TIMEOUT", default=20))
    sqlite_options.setdefault("transaction_mode", "IMMEDIATE")
    sqlite_options.setdefault("init_command", "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;")
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "counties.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses logins while locked out (before checking the password)
    "django.contrib.auth.backends.ModelBackend",
]

# Django's own "too short" message has no Chinese translation; ours (same rule) does.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "config.security.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if RUNNING_TESTS:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Sessions: a working day, and gone when the browser closes.
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = env.bool("SESSION_EXPIRE_AT_BROWSER_CLOSE", default=True)

# Login protection (django-axes): after AXES_FAILURE_LIMIT wrong passwords for one user name, or from one
# address, further logins are refused for AXES_COOLOFF_MINUTES (unlock: manage.py axes_reset_username NAME,
# axes_reset_ip ADDRESS or axes_reset). Behind a reverse proxy every request comes from the proxy's address:
# set TRUST_X_FORWARDED_FOR=1 (only then, and only if the proxy sets the header) to count by the client's
# address, the last one in X-Forwarded-For (the one the proxy appended).
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "config.security.lockout_response"
AXES_CLIENT_IP_CALLABLE = "config.security.client_ip"
AXES_VERBOSE = False
TRUST_X_FORWARDED_FOR = env.bool("TRUST_X_FORWARDED_FOR", default=False)

# E-mail: password reset by mail is offered only when EMAIL_URL is set (e.g. smtp+tls://user:pw@host:587);
# without it mail goes to the console and users ask an administrator (manage.py changepassword NAME).
EMAIL_URL = env("EMAIL_URL", default="")
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
PASSWORD_RESET_BY_EMAIL = bool(EMAIL_URL)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="webmaster@localhost")
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT", default=24 * 60 * 60)

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "config" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
STATIC_MANIFEST = env.bool("STATIC_MANIFEST", default=not DEBUG and not RUNNING_TESTS)
# Uploaded workbooks wait in "staging" between preview and confirmation (cleaned after 24 h by beat and on
# logout); evidence files live in "evidence". Both private (folder 0700, files 0600) unless pointed at another
# storage (e.g. django-storages' S3 backend, shared by several app servers) with *_STORAGE_BACKEND.
IMPORT_STAGING_DIR = env.path("IMPORT_STAGING_DIR", default=Path(tempfile.gettempdir()) / "ip-portal-imports")
STAGING_STORAGE_BACKEND = env("STAGING_STORAGE_BACKEND", default="")
PRIVATE_STORAGE = "config.storage.PrivateFileSystemStorage"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staging": (
        {"BACKEND": STAGING_STORAGE_BACKEND}
        if STAGING_STORAGE_BACKEND
        else {"BACKEND": PRIVATE_STORAGE, "OPTIONS": {"location": str(IMPORT_STAGING_DIR)}}
    ),
    "evidence": {"BACKEND": env("EVIDENCE_STORAGE_BACKEND", default=PRIVATE_STORAGE)},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if STATIC_MANIFEST
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# Uploads: the reverse proxy must allow at least this much (see README).
MAX_UPLOAD_MB = env.int("MAX_UPLOAD_MB", default=10)
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_UPLOAD_MB * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# Uploaded evidence is private: readable by the application's user only.
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
DATA_UPLOAD_MAX_NUMBER_FIELDS = 5000
# A request whose Content-Length exceeds MAX_UPLOAD_MB gets 413 before its body is read; a body without a
# length (chunked) is cut off by the first upload handler once it passes the limit.
FILE_UPLOAD_HANDLERS = [
    "config.middleware.LimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# Security: on by default whenever DEBUG is off (production behind HTTPS).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG and not RUNNING_TESTS)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG and not RUNNING_TESTS)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG and not RUNNING_TESTS)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
# Probes over plain HTTP (load balancer, container) reach the health check without the HTTPS redirect.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# /healthz shows database and broker state to callers sending this in the X-Healthz-Token header (and to
# direct local calls); everyone else gets only {"status"}.
HEALTHZ_TOKEN = env("HEALTHZ_TOKEN", default="")

# Content-Security-Policy (django-csp): scripts only from our static files (no inline scripts or handlers:
# page data travels in json_script blocks and data- attributes). Inline style attributes stay allowed.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# Browser features the portal never uses.
PERMISSIONS_POLICY = (
    "accelerometer=(), autoplay=(), camera=(), display-capture=(), geolocation=(), gyroscope=(), "
    "magnetometer=(), microphone=(), midi=(), payment=(), usb=()"
)

# Celery: Redis when REDIS_URL is set, otherwise in-process (eager) execution.
REDIS_URL = env("REDIS_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"
# Nothing reads task results: no result backend, so a Redis outage costs a save no result-store retries.
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A web process publishing with Redis down gives up in well under a second: short socket timeouts and one
# quick retry. The change is already committed and its pairs stay marked stale for the sweep. (Workers and beat
# keep reconnecting to the broker as usual.)
CELERY_BROKER_CONNECTION_TIMEOUT = 0.3
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # A message taken by a worker that dies entirely is redelivered only after this (1 h): until then the
    # beat sweep below is what catches the stale pairs up.
    "visibility_timeout": 3600,
    "socket_connect_timeout": 0.3,
    "socket_timeout": 2,
}
CELERY_TASK_PUBLISH_RETRY = True
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.1,
    "interval_max": 0.1,
}
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
# The periodic sweep recomputes every pair still marked stale: the real safety net after a lost task, a
# broker outage or a whole-worker kill (whose message stays invisible for the visibility timeout).
SCORE_SWEEP_MINUTES = env.int("SCORE_SWEEP_MINUTES", default=5)
CELERY_BEAT_SCHEDULE = {
    "sweep-stale-scores": {
        "task": "indicators.tasks.sweep_stale_scores",
        "schedule": timedelta(minutes=SCORE_SWEEP_MINUTES),
    },
    "sweep-staged-uploads": {
        "task": "config.excel.sweep_staged_uploads",
        "schedule": crontab(minute=17),
    },
    "escalate-findings": {
        "task": "inspections.tasks.escalate_findings",
        "schedule": crontab(minute=10, hour=0),
    },
}

# Notification e-mail: EMAIL_URL (e.g. smtp+tls://user:password@host:587); console output when unset.
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="ip-portal@localhost")

CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL and not RUNNING_TESTS
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"celery.app.trace": {"level": "WARNING" if CELERY_TASK_ALWAYS_EAGER else "INFO"}},
}
