"""Zhifa settings: one module, driven by environment variables, safe defaults for the embedded run.

Embedded (the default, `make run`): SQLite in var/, local files, huey on SQLite, DEBUG off, served by
gunicorn with whitenoise, a secret key generated once into var/secret_key. `make dev` turns DEBUG on.
Production: set ZHIFA_ENV=production plus DATABASE_URL, REDIS_URL, SECRET_KEY (or SECRET_KEY_FILE),
ALLOWED_HOSTS and (optionally) the S3 variables; several app servers must share the key, so production
never generates one. See docs/deployment.md.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from zhifa.config.env import env, envbool, envint, envlist, generated_secret_key

BASE_DIR = Path(__file__).resolve().parent.parent.parent.parent  # the checkout
SRC_DIR = BASE_DIR / "src"
VAR_DIR = Path(env("ZHIFA_VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

ZHIFA_ENV = env("ZHIFA_ENV", "embedded")  # embedded | production
PRODUCTION = ZHIFA_ENV == "production"
# ZHIFA_TESTING=0 forces the real configuration in a process that merely has pytest imported (servers
# that tests start, under time-machine, which imports it).
TESTING = env("ZHIFA_TESTING") == "1" or ("pytest" in sys.modules and env("ZHIFA_TESTING") != "0")

DEMO_SECRET_KEY = "zhifa-demo-secret-key-do-not-use-in-production-0123456789abcdef"  # noqa: S105
SECRET_KEY = env("SECRET_KEY") or (
    generated_secret_key(VAR_DIR / "secret_key") if not PRODUCTION else DEMO_SECRET_KEY
)
if PRODUCTION and SECRET_KEY == DEMO_SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set in production (the demo key is public).")

# Off unless asked for: `make run` is what an office actually runs. `make dev` sets DEBUG=true.
DEBUG = envbool("DEBUG", "false")
# The demo city (public passwords) may be loaded by `make run` (ZHIFA_DEMO=1) or a DEBUG instance;
# a production instance never, whatever else is set.
ZHIFA_DEMO = envbool("ZHIFA_DEMO", "false")
if PRODUCTION and ZHIFA_DEMO:
    raise ImproperlyConfigured(
        "ZHIFA_DEMO cannot be set in production (demo accounts have a public password)."
    )
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "django_tasks",
    "huey.contrib.djhuey",
    "ninja",
    "zhifa.core",
    "zhifa.law",
    "zhifa.audit",
    "zhifa.org",
    "zhifa.powers",
    "zhifa.officers",
    "zhifa.enforcement.cases",
    "zhifa.enforcement.evidence",
    "zhifa.enforcement.documents",
    "zhifa.enforcement.seizures",
    "zhifa.foundation.alerts",
    "zhifa.foundation.deadlines",
    "zhifa.supervision.stats",
    "zhifa.supervision.reviews",
    "zhifa.supervision.assessment",
    "zhifa.supervision.appeals",
    "zhifa.public.portal",
    "zhifa.public.complaints",
    "zhifa.supervision.normative",
    "zhifa.enforcement.inspections",
    "zhifa.supervision.centre",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "zhifa.core.guards.RequestGuardMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "zhifa.core.access.AccessMiddleware",
    "zhifa.core.guards.SecurityHeadersMiddleware",
]

ROOT_URLCONF = "zhifa.config.urls"
WSGI_APPLICATION = "zhifa.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [SRC_DIR / "zhifa" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "zhifa.core.context_processors.navigation",
            ],
        },
    },
]

# --- Database: embedded SQLite by default; DATABASE_URL for PostgreSQL ---------------------------
_DATABASE_URL = env("DATABASE_URL", f"sqlite:///{VAR_DIR / 'zhifa.sqlite3'}")
# PostgreSQL connections are kept for a minute (one per gunicorn thread): opening one per request cost
# the app server ~0.6 ms of CPU and the request ~15 ms of waiting for PostgreSQL to fork a backend,
# which then starts with cold catalogue caches (docs/benchmarks.md, "Item 8", request CPU).
# SQLite opens a file: nothing to keep. Tests close every connection (threads of the concurrency and
# browser tests kept theirs open past the end of the run, and the test databases could not be dropped).
_KEEP_CONNECTIONS = PRODUCTION or (_DATABASE_URL.startswith(("postgres", "pgsql")) and not TESTING)
DATABASES = {
    "default": dj_database_url.parse(
        _DATABASE_URL, conn_max_age=envint("DB_CONN_MAX_AGE", 60 if _KEEP_CONNECTIONS else 0)
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run beside the one writer; IMMEDIATE makes every write transaction take the
    # write lock at BEGIN, so counters and the audit chain head serialise instead of deadlocking.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;",
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["TEST"] = (
        {"NAME": str(VAR_DIR / "test.sqlite3")} if env("ZHIFA_TEST_FILE_DB") else {}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
IS_POSTGRES = DATABASES["default"]["ENGINE"].endswith("postgresql")
if IS_POSTGRES and envbool("ZHIFA_PG_PREPARE", "true"):
    # core.prepared's reads (session, user, token, grants, one case) are prepared by PostgreSQL once
    # per connection, which then skips planning them on every request (~1.5 ms of its CPU per case
    # read). psycopg prepares only when asked (core.prepared asks; the ORM's client-side-bound queries
    # never are), so the threshold is out of reach. Behind a transaction-mode pooler that does not
    # keep prepared statements (PgBouncer before 1.21), set ZHIFA_PG_PREPARE=false.
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = 2**31 - 1

# --- Cache and tasks -----------------------------------------------------------------------------
REDIS_URL = env("REDIS_URL", "")
# Every process must see the same cache (the portal's page cache and its generation, the rate-limit
# counters below): Redis when there is one (every app server counts together), else a directory in var/
# shared by the gunicorn workers of the one machine. Tests keep a per-process memory cache.
CACHES: dict[str, dict[str, Any]]
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", "zhifa"),
        }
    }
elif TESTING:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }
# The public rate-limit counters (`core.ratelimit`) live apart from the page cache: a full cache drops
# a random third of its entries (Django's MAX_ENTRIES, 300 by default), and a visitor who filled the
# page cache with distinct pages would otherwise reset their own counters. Redis keeps them under a
# prefix of their own; the file cache in a directory of their own, bounded far above a day's clients.
RATELIMIT_CACHE = "ratelimit"
if REDIS_URL:
    CACHES[RATELIMIT_CACHE] = {**CACHES["default"], "KEY_PREFIX": env("CACHE_KEY_PREFIX", "zhifa") + "-rl"}
elif TESTING:
    CACHES[RATELIMIT_CACHE] = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "rl"}
else:
    CACHES[RATELIMIT_CACHE] = {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(VAR_DIR / "ratelimit"),
        "OPTIONS": {"MAX_ENTRIES": 50_000},
    }
# Masked copies of 文书 (documents.dossier.masked_document_pdf), kept by what they are made of: apart
# from the page cache, whose 300 entries a dossier of 20 documents would churn. ~40 KB each.
MASKED_COPIES_CACHE = "documents"
if REDIS_URL:
    CACHES[MASKED_COPIES_CACHE] = {
        **CACHES["default"],
        "KEY_PREFIX": env("CACHE_KEY_PREFIX", "zhifa") + "-doc",
    }
elif TESTING:
    CACHES[MASKED_COPIES_CACHE] = {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "doc",
    }
else:
    CACHES[MASKED_COPIES_CACHE] = {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(VAR_DIR / "cache-documents"),
        "OPTIONS": {"MAX_ENTRIES": 5_000},
    }

# django-tasks is the interface services use (`task.enqueue(...)`); huey runs them. Tests run tasks
# immediately so that side effects are observable in the same transaction-less test.
TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks.backends.immediate.ImmediateBackend" if TESTING else "zhifa.core.tasks.HueyBackend"
        )
    }
}
HUEY = {
    "name": "zhifa",
    "immediate": TESTING,
    # Both queues take the higher priority first (core.tasks: PRIORITY_WAITED_ON, PRIORITY_SHOWN_SOON).
    "huey_class": "huey.PriorityRedisHuey" if REDIS_URL else "zhifa.core.task_queue.SqliteHuey",
    **({"url": REDIS_URL} if REDIS_URL else {"filename": str(VAR_DIR / "huey.sqlite3")}),
    # The outbox row (core.QueuedTask) records each task's outcome; huey's own result store was never
    # read, and kept one entry per task for good (a row of huey.sqlite3, a Redis key without expiry).
    "results": False,
    "consumer": {"workers": envint("HUEY_WORKERS", 2), "worker_type": "thread"},
}

# --- Auth ----------------------------------------------------------------------------------------
AUTH_USER_MODEL = "org.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    # Argon2 is deliberately slow; tests that check hashing ask for it explicitly.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_MAX_FAILURES = envint("LOGIN_MAX_FAILURES", 5)
LOGIN_LOCKOUT_MINUTES = envint("LOGIN_LOCKOUT_MINUTES", 15)
# Failures from one address for any username before that address is locked (password spraying).
LOGIN_ADDRESS_MAX_FAILURES = envint("LOGIN_ADDRESS_MAX_FAILURES", 30)
# Every password check goes through the throttled backend (login page, admin, API token).
AUTHENTICATION_BACKENDS = ["zhifa.org.auth.ThrottledBackend"]
API_TOKEN_HOURS = envint("API_TOKEN_HOURS", 12)
# Database sessions whose per-request read is compiled once (core.prepared, docs/architecture.md).
SESSION_ENGINE = "zhifa.core.sessions"
SESSION_COOKIE_AGE = envint("SESSION_COOKIE_AGE", 8 * 3600)  # one working day
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True

# --- Security (production) -----------------------------------------------------------------------
if PRODUCTION:
    SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", "true")
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", "false")
    if not SECURE_HSTS_PRELOAD:
        # Preloading is an operator's decision that is hard to undo (and moot on an intranet host);
        # leaving it off is deliberate, so the reminder is silenced rather than the setting forced.
        SILENCED_SYSTEM_CHECKS = ["security.W021"]
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# --- i18n ----------------------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
# The UI is Simplified Chinese whatever the browser asks for (no LocaleMiddleware): officers share
# machines with English-language browsers, and legal terms must read the same for everyone.
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [SRC_DIR / "zhifa" / "locale"]

# --- Static and uploaded files -------------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [SRC_DIR / "zhifa" / "static"]
STATIC_ROOT = Path(env("STATIC_ROOT", str(VAR_DIR / "static")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# Served without DEBUG (make run, production): collected into STATIC_ROOT by `collectstatic`, names
# carrying a content hash and pre-compressed, served by whitenoise with far-future cache headers.
# With DEBUG, in tests, and in scripts on a checkout where nothing was collected (benchmarks, shell):
# straight from the source tree. `collectstatic` is run with ZHIFA_STATIC_MANIFEST=1 to write it.
STATIC_MANIFEST = envbool(
    "ZHIFA_STATIC_MANIFEST",
    "true"
    if PRODUCTION or (not (DEBUG or TESTING) and (STATIC_ROOT / "staticfiles.json").exists())
    else "false",
)
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "/media/"
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if STATIC_MANIFEST
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
if env("MEDIA_S3_BUCKET"):
    # Several app servers: uploaded media (officers' photos) must not sit on one server's disk.
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env("MEDIA_S3_BUCKET"),
            "endpoint_url": env("MEDIA_S3_ENDPOINT_URL", env("EVIDENCE_S3_ENDPOINT_URL")) or None,
            "region_name": env("MEDIA_S3_REGION", env("EVIDENCE_S3_REGION")) or None,
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
WHITENOISE_USE_FINDERS = not STATIC_MANIFEST
# Source maps are only fetched by a developer's browser tools; compressing them (megabytes, for the API
# docs' bundles) is most of collectstatic's time.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = [
    "jpg",
    "jpeg",
    "png",
    "gif",
    "webp",
    "zip",
    "gz",
    "tgz",
    "bz2",
    "tbz",
    "xz",
    "br",
    "swf",
    "flv",
    "woff",
    "woff2",
    "3gp",
    "3gpp",
    "asf",
    "avi",
    "m4v",
    "mov",
    "mp4",
    "mpeg",
    "mpg",
    "webm",
    "wmv",
    "map",
]
# Only the hashed copies are kept (and compressed): every page names its static files through
# `{% static %}` (hashed names, far-future caching) and CSS references are rewritten to hashed names,
# so the unhashed copies were never served; compressing them doubled collectstatic's work.
WHITENOISE_KEEP_ONLY_HASHED_FILES = True
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# Bodies read into memory (JSON, forms): larger ones are refused with 413 (core.guards).
DATA_UPLOAD_MAX_MEMORY_SIZE = envint("DATA_UPLOAD_MAX_MEMORY_SIZE", 2 * 1024 * 1024)

# Processes log to stderr; whoever runs them keeps the files. `make run`'s supervisord writes
# var/log/*.log and rotates them (one writer per file, so rotation is safe with many workers);
# under systemd or compose, the journal or the container runtime does.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(process)d %(name)s: %(message)s"}},
    # every line passes the request-path filter: no search term or tracking code in a log (config.log_privacy)
    "filters": {"request_paths": {"()": "zhifa.config.log_privacy.RequestPathFilter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["request_paths"]}
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "WARNING")},
    "loggers": {
        "zhifa": {"level": env("LOG_LEVEL", "INFO")},
        # on the request loggers themselves too, so that a handler met on the way up (Django's own
        # console handler under DEBUG, mail_admins) gets the reduced path as well
        "django.request": {"filters": ["request_paths"]},
        "django.server": {"filters": ["request_paths"]},
    },
}

# --- Zhifa -------------------------------------------------------------------------------------
ZHIFA_SITE_NAME = _("Administrative Enforcement Platform")
# The public address printed on officer cards' QR codes and in published links; empty = the request's host.
ZHIFA_PUBLIC_URL = env("ZHIFA_PUBLIC_URL", "")
DEMO_PASSWORD = "zhifa-demo-2026"  # noqa: S105 — printed by `make run`; seed_demo needs DEBUG or ZHIFA_DEMO
