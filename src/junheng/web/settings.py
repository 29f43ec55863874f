"""Django settings for the junheng web app.

Everything lives in one data folder (``JUNHENG_DATA``, default ``./junheng-data`` where the server
runs): the SQLite database, uploaded evidence and the generated secret key. ``DATABASE_URL`` switches
to PostgreSQL (dj-database-url).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("JUNHENG_DATA", "junheng-data")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    """The key from the environment, else one generated once and kept in the data folder."""
    if key := os.environ.get("JUNHENG_SECRET_KEY"):
        return key
    path = DATA_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


SECRET_KEY = _secret_key()
DEBUG = os.environ.get("JUNHENG_DEBUG") == "1"
ALLOWED_HOSTS = [h for h in os.environ.get("JUNHENG_ALLOWED_HOSTS", "*").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("JUNHENG_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ninja",  # its Swagger UI assets are served from the package: /api/docs works offline
    "junheng.web.apps.WebConfig",
    "junheng.web.survey.apps.SurveyConfig",
    "junheng.planning.apps.PlanningConfig",
    "junheng.web.tongji.apps.TongjiConfig",
    "junheng.web.review.apps.ReviewConfig",
    "junheng.web.monitoring.apps.MonitoringConfig",
    "junheng.web.onsite.apps.OnsiteConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "junheng.web.middleware.ContentSecurityPolicy",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "junheng.web.middleware.RejectNulCharacters",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "junheng.web.urls"
WSGI_APPLICATION = "junheng.web.wsgi.application"

TEMPLATES = [{
    "BACKEND": "django.template.backends.django.DjangoTemplates",
    "DIRS": [],
    "APP_DIRS": True,
    "OPTIONS": {"context_processors": [
        "django.template.context_processors.request",
        "django.contrib.auth.context_processors.auth",
        "django.contrib.messages.context_processors.messages",
        "junheng.web.access.navigation",
    ]},
}]

DATABASES = {
    "default": dj_database_url.config(default=f"sqlite:///{DATA_DIR / 'junheng.sqlite3'}", conn_max_age=60)
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # WAL lets pages read while a change is written; a writer waits (busy timeout) instead of
    # failing with "database is locked"; every transaction.atomic() takes the write lock when it
    # begins (IMMEDIATE), so a transaction that reads and then writes can never be refused midway.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=30000",
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
    }
    # Tests run on a file (not shared-cache memory) so that concurrency tests meet real locking.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test-junheng.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Sign-in checks Django's users; a signed-in request reads user and account in one query. Django's
# own backend stays listed so that sessions opened before this setting keep working.
AUTHENTICATION_BACKENDS = ["junheng.web.accounts.backend.AccountBackend", "django.contrib.auth.backends.ModelBackend"]
SESSION_ENGINE = "junheng.web.sessions"  # database sessions, read with one fixed statement
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"

SESSION_COOKIE_AGE = 8 * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
CSRF_FAILURE_VIEW = "junheng.web.system.csrf_failure"
if os.environ.get("JUNHENG_HTTPS") == "1":
    # Behind an HTTPS reverse proxy (README 生产部署): cookies only over HTTPS, HSTS, and the
    # proxy's X-Forwarded-Proto tells Django the request came in over HTTPS.
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 365 * 24 * 60 * 60

# The client address for throttling and the audit log: REMOTE_ADDR, unless the request comes
# from one of these reverse proxies, which then name the client in this header.
TRUSTED_PROXIES = [p for p in os.environ.get("JUNHENG_TRUSTED_PROXIES", "").split(",") if p]
TRUSTED_PROXY_HEADER = os.environ.get("JUNHENG_TRUSTED_PROXY_HEADER", "X-Forwarded-For")

CONTENT_SECURITY_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
                           "img-src 'self' data:; object-src 'none'; base-uri 'self'; form-action 'self'; "
                           "frame-ancestors 'none'")

API_TOKEN_DAYS = int(os.environ.get("JUNHENG_API_TOKEN_DAYS", "90"))

# Login throttling: this many failures per username and address within the window lock it out.
LOGIN_FAILURE_LIMIT = 5
LOGIN_FAILURE_WINDOW_SECONDS = 15 * 60

LANGUAGE_CODE = "zh-hans"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
WHITENOISE_USE_FINDERS = True  # serve straight from the package, no collectstatic step
MEDIA_ROOT = DATA_DIR / "media"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
EVIDENCE_MAX_BYTES = 20 * 1024 * 1024
# Any request body over this is refused before it is read (junheng.web.limits): the largest
# upload (evidence, a county workbook) plus the form around it.
# What one school may submit: its rooms are listed on its pages, so a runaway upload (300,000
# rows) is refused instead of making every page of the school slow.
SCHOOL_MAX_ROOMS = 500
REQUEST_MAX_BYTES = int(os.environ.get("JUNHENG_MAX_REQUEST_MB", "25")) * 1024 * 1024

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "junheng"}}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
