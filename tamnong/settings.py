"""Settings, read from environment variables (see CONTRIBUTING.md for the list).

Development defaults work with no environment at all: SQLite (WAL) under ./var/.
Production sets TAMNONG_ENV=production, SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import unquote, urlparse

from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("TAMNONG_VAR_DIR", BASE_DIR / "var"))


def envbool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def envint(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def envlist(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def database_from_url(url: str) -> dict:
    """Turn DATABASE_URL (postgres://user:pass@host:port/name or sqlite:///path) into Django's form."""
    parsed = urlparse(url)
    if parsed.scheme in {"postgres", "postgresql", "pgsql"}:
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parsed.path.lstrip("/")),
            "USER": unquote(parsed.username or ""),
            "PASSWORD": unquote(parsed.password or ""),
            "HOST": parsed.hostname or "",
            "PORT": str(parsed.port or ""),
            "CONN_MAX_AGE": envint("DB_CONN_MAX_AGE", 60),
            "CONN_HEALTH_CHECKS": True,
        }
    if parsed.scheme == "sqlite":
        return sqlite_database(Path(unquote(parsed.path)))
    raise ValueError(f"DATABASE_URL: unsupported scheme {parsed.scheme!r}")


def sqlite_database(path: Path) -> dict:
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": path,
        # WAL lets the web server read while the job worker writes.
        "OPTIONS": {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
            "PRAGMA busy_timeout=10000;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        },
    }


PRODUCTION = os.environ.get("TAMNONG_ENV", "development") == "production"
DEBUG = envbool("DEBUG", not PRODUCTION)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if PRODUCTION:
        raise RuntimeError("SECRET_KEY must be set in production")
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS")
# The one base of every absolute link (certificate QR codes, verification links, PDFs, notices).
# Default: the address `make run` serves (HOST, PORT as tamnong.cli serve reads them).
SITE_URL = os.environ.get(
    "SITE_URL",
    f"http://{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}",
).rstrip("/")
SITE_URL_IS_DEFAULT = not os.environ.get("SITE_URL")  # `check --deploy` warns in production

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",
    "csp",
    "tamnong.core",
    "tamnong.divisions",
    "tamnong.accounts",
    "tamnong.audit",
    "tamnong.decisions",
    "tamnong.jobs",
    "tamnong.tabular",
    "tamnong.demo",
    "tamnong.ocop",
    "tamnong.ntm",
    "tamnong.poverty",
    "tamnong.reports",
    "tamnong.rules",  # after the programmes: loads their rule documents after migrate
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    # Serves the vendored static files in production (gunicorn) without a separate web server.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "tamnong.accounts.middleware.SessionRefreshMiddleware",
    "tamnong.core.datacache.DataVersionMiddleware",
    "tamnong.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "tamnong.audit.middleware.RequestOriginMiddleware",
    "tamnong.core.dbrouter.ReplicaReadMiddleware",
]

ROOT_URLCONF = "tamnong.urls"
WSGI_APPLICATION = "tamnong.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "tamnong" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "tamnong.core.context_processors.site",
            ],
            "builtins": ["tamnong.core.templatetags.vn"],
        },
    }
]

if os.environ.get("DATABASE_URL"):
    DATABASES = {"default": database_from_url(os.environ["DATABASE_URL"])}
else:
    DATABASES = {"default": sqlite_database(VAR_DIR / "tamnong.sqlite3")}
# A streaming replica of the primary (PostgreSQL): reports, dashboards, the public catalog and the
# API's GET endpoints read from it; every write and any read after one goes to the primary
# (tamnong/core/dbrouter.py; README "Production: the national setup").
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = database_from_url(os.environ["DATABASE_REPLICA_URL"])
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["tamnong.core.dbrouter.PrimaryReplicaRouter"]
REPLICA_READ_VIEWS = envlist(
    "REPLICA_READ_VIEWS",
    "reports:index,reports:summary,reports:dashboard,reports:records,api,"
    "ocop:catalog,ocop:verify_lookup,ocop:verify",
)
REPLICA_STICKY_SECONDS = envint("REPLICA_STICKY_SECONDS", 10)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["tamnong.accounts.backends.LockoutModelBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:home"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Lockout after repeated failed logins (per account, and per client address over every account
# name), counted atomically: see tamnong/accounts/lockout.py.
API_PAGE_SIZE = envint("API_PAGE_SIZE", 50)
API_MAX_PAGE_SIZE = envint("API_MAX_PAGE_SIZE", 500)
API_MAX_OFFSET = envint("API_MAX_OFFSET", 1_000_000)

LOGIN_MAX_FAILURES = envint("LOGIN_MAX_FAILURES", 5)
LOGIN_LOCKOUT_MINUTES = envint("LOGIN_LOCKOUT_MINUTES", 15)
LOGIN_ADDRESS_MAX_FAILURES = envint("LOGIN_ADDRESS_MAX_FAILURES", 10)
# Reverse proxies whose X-Forwarded-For is believed (addresses or CIDR blocks, comma-separated);
# empty: the header is ignored and the peer address is the client (tamnong/core/clientip.py).
TRUSTED_PROXIES = envlist("TRUSTED_PROXIES")

# Sessions expire after inactivity (seconds). Activity renews the expiry, written at most once
# per SESSION_REFRESH_SECONDS (accounts.middleware.SessionRefreshMiddleware) rather than on every
# request: a page view then costs no write and no commit.
SESSION_COOKIE_AGE = envint("SESSION_COOKIE_AGE", 8 * 3600)
SESSION_SAVE_EVERY_REQUEST = False
SESSION_REFRESH_SECONDS = envint("SESSION_REFRESH_SECONDS", 300)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "tamnong" / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
# Off: with it on, every integer in a template (ids in links, years) would be grouped ("2.025").
# Figures are grouped explicitly with the vn_number / vn_percent filters (1.581; 0,69%).
USE_THOUSAND_SEPARATOR = False
# Django's own `vi` formats do not group thousands; ours do (1.234.567; 24/02/2023).
FORMAT_MODULE_PATH = ["tamnong.formats"]

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "tamnong" / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
# Nothing serves MEDIA_ROOT directly: each file is sent by its record's view after the scope check
# (tamnong/core/storedfiles.py). Empty: Django streams it (development); "X-Accel-Redirect"
# (nginx, with an `internal` location SENDFILE_URL aliased to MEDIA_ROOT) or "X-Sendfile"
# (Apache, lighttpd): the web server sends it.
SENDFILE_HEADER = os.environ.get("SENDFILE_HEADER", "")
if SENDFILE_HEADER not in ("", "X-Accel-Redirect", "X-Sendfile"):
    raise ImproperlyConfigured("SENDFILE_HEADER must be empty, X-Accel-Redirect or X-Sendfile")
SENDFILE_URL = os.environ.get("SENDFILE_URL", "/protected-media/")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Upload limits: big imports go through files on disk, not memory.
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.filebased.EmailBackend",
)
EMAIL_FILE_PATH = VAR_DIR / "mail"
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Tam Nông <no-reply@tamnong.local>")

if PRODUCTION:
    SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
# Content-Security-Policy (django-csp): scripts and styles only from our own static files (htmx,
# Chart.js and the app's scripts are vendored under static/): no inline script, no event-handler
# attribute, no inline style (htmx's indicator style is in app.css, see base.html's htmx-config).
# `data:` images: Pico's form icons are SVG data URIs in its stylesheet.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# Background jobs: the worker polls the database queue (tamnong/jobs/README.md).
JOBS_POLL_SECONDS = float(os.environ.get("JOBS_POLL_SECONDS", "1.0"))
# A running job's lease lasts JOBS_LEASE_SECONDS and is renewed every JOBS_HEARTBEAT_SECONDS;
# every worker looks for jobs whose lease ran out every JOBS_SWEEP_SECONDS and marks them
# interrupted (so within lease + sweep, under a minute, of the worker's death).
JOBS_LEASE_SECONDS = envint("JOBS_LEASE_SECONDS", 30)
JOBS_HEARTBEAT_SECONDS = envint("JOBS_HEARTBEAT_SECONDS", 10)
JOBS_SWEEP_SECONDS = envint("JOBS_SWEEP_SECONDS", 15)
# Uploaded copies and temporary files of jobs (not under MEDIA_ROOT: never served). Several
# machines running workers must share it, like MEDIA_ROOT.
JOBS_FILES_DIR = Path(os.environ.get("JOBS_FILES_DIR", VAR_DIR / "jobs"))
# An interrupted job keeps its uploaded file this long, for its owner to run it again.
JOBS_INTERRUPTED_KEEP_HOURS = envint("JOBS_INTERRUPTED_KEEP_HOURS", 24)

DIVISIONS_DATA_DIR = BASE_DIR / "data" / "divisions"

# Public OCOP pages (catalog, verification): requests per client address per minute.
OCOP_PUBLIC_RATE_LIMIT = envint("OCOP_PUBLIC_RATE_LIMIT", 120)

# Caches: "default" per process (nothing of the application's: the public rate limit counts in
# the database, ocop/ratelimit.py) and "data" (reports, dashboards, module pages and the public
# catalog, keyed by the programmes' data versions, see tamnong/core/datacache.py).
# DATA_CACHE_SECONDS=0 turns it off.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "tn"},
    # files under var/: shared by the processes of one server (gunicorn workers, job worker),
    # so a report is computed once per data version, not once per process
    "data": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        # one folder per database, so two instances (or test runs) sharing var/ never mix
        "LOCATION": os.environ.get(
            "DATA_CACHE_DIR",
            str(
                VAR_DIR / "cache" / f"data-{DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}-"
                f"{str(DATABASES['default']['NAME']).replace('/', '_')[-60:]}"
            ),
        ),
        "OPTIONS": {"MAX_ENTRIES": envint("DATA_CACHE_ENTRIES", 2000)},
    },
}
DATA_CACHE_SECONDS = envint("DATA_CACHE_SECONDS", 600)
# Visitors' searches of the public catalog: at most this many pages kept per process (a
# least-recently-used list, core.datacache.cached_search); 0 turns it off.
SEARCH_CACHE_ENTRIES = envint("SEARCH_CACHE_ENTRIES", 256)
