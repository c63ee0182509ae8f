"""OpenChorus settings: one file, driven by environment variables.

Every variable read here is documented in docs/configuration.md, in the same order. The embedded
defaults run a complete platform on one machine with no service: SQLite under the data directory,
the database task queue, e-mails to the console and to `<data dir>/mail/`.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


PACKAGE_DIR = Path(__file__).resolve().parent.parent

# --- Data directory and secrets -------------------------------------------------------------
DATA_DIR = Path(env_str("OPENCHORUS_DATA_DIR", "var")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    """The secret key from the environment, or one generated once and kept in the data dir."""
    if key := env_str("OPENCHORUS_SECRET_KEY"):
        return key
    path = DATA_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("OPENCHORUS_DEBUG", False)
ALLOWED_HOSTS = env_list("OPENCHORUS_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("OPENCHORUS_CSRF_TRUSTED_ORIGINS", "")
BASE_URL = env_str("OPENCHORUS_BASE_URL", "http://127.0.0.1:8000").rstrip("/")

# --- Applications ---------------------------------------------------------------------------
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "dsfr",
    "widget_tweaks",
    "ninja",
    "oauth2_provider",
    "openchorus.core",
    "openchorus.accounts",
    "openchorus.audit",
    "openchorus.structures",
    "openchorus.directory",
    "openchorus.invoices",
    "openchorus.lifecycle",
    "openchorus.ingestion",
    "openchorus.notifications",
    "openchorus.assistant",
    "openchorus.connections",
    "openchorus.flows",
    "openchorus.api",
    "openchorus.portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "openchorus.accounts.middleware.UserLanguageMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "openchorus.config.urls"
WSGI_APPLICATION = "openchorus.config.wsgi.application"

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
                "openchorus.portal.context_processors.portal",
            ],
        },
    },
]

# One shared DSFR form renderer (with its cached template engine) instead of a new one per form:
# "Mon compte" renders seven forms; measured 64 ms → see docs/perf.md.
FORM_RENDERER = "dsfr.forms.DsfrDjangoTemplates"

# --- Database -------------------------------------------------------------------------------
# DATABASE_URL selects PostgreSQL in production; the embedded default is SQLite in the data
# directory, tuned for a web server and a task worker writing side by side.
# Prepared statements on PostgreSQL (server-side binding, and the reads of core.fixed prepared).
OPENCHORUS_PG_PREPARED = env_bool("OPENCHORUS_PG_PREPARED", True)
if database_url := env_str("DATABASE_URL"):
    DATABASES = {"default": dj_database_url.parse(database_url, conn_max_age=60, conn_health_checks=True)}
    if DATABASES["default"]["ENGINE"].endswith("postgresql") and OPENCHORUS_PG_PREPARED:
        # Server-side binding; no statement is prepared by count (`prepare_threshold` None): each is
        # planned for its own values, as a list filtered on a supplier with 128,000 invoices needs
        # (a generic plan, blind to the values, made a list's page 50 take 2 s instead of 60 ms;
        # docs/perf.md). Only the reads of a fixed shape (core.fixed: one row by key, at every API
        # call) are prepared, and PostgreSQL plans those once per connection. Behind PgBouncer in
        # transaction mode, use 1.21+ with max_prepared_statements or set OPENCHORUS_PG_PREPARED=false.
        DATABASES["default"].setdefault("OPTIONS", {})
        DATABASES["default"]["OPTIONS"].setdefault("server_side_binding", True)
        DATABASES["default"]["OPTIONS"].setdefault("prepare_threshold", None)
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "openchorus.sqlite3",
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;"
                ),
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Background tasks -----------------------------------------------------------------------
TASKS = {
    "default": {
        "BACKEND": env_str("OPENCHORUS_TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

# --- Accounts and authentication ------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "openchorus.accounts.backends.EmailBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "openchorus.accounts.validators.CharacterClassesValidator"},
]
LOGIN_URL = "portal:home"
LOGIN_REDIRECT_URL = "portal:dashboard"
ACTIVATION_LINK_MAX_AGE = env_int("OPENCHORUS_ACTIVATION_LINK_HOURS", 48) * 3600
PASSWORD_RESET_TIMEOUT = env_int("OPENCHORUS_PASSWORD_RESET_HOURS", 24) * 3600
SECRET_ANSWER_MAX_ATTEMPTS = 5
SESSION_COOKIE_AGE = env_int("OPENCHORUS_SESSION_HOURS", 8) * 3600
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env_bool("OPENCHORUS_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env_bool("OPENCHORUS_BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = 31536000

# Brute-force protection (ACC-4): a login e-mail is locked for AXES_COOLOFF_TIME after
# AXES_FAILURE_LIMIT failed passwords, whatever address the attempts come from.
AXES_FAILURE_LIMIT = env_int("OPENCHORUS_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("OPENCHORUS_LOGIN_COOLOFF_MINUTES", 15) / 60
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_USERNAME_FORM_FIELD = "login-email"
AXES_USERNAME_CALLABLE = "openchorus.accounts.backends.axes_username"
AXES_LOCKOUT_CALLABLE = "openchorus.portal.views.accounts.locked_out"
AXES_RESET_ON_SUCCESS = True
# Locking by IP address too would lock out a whole office or ministry behind one NAT address after
# five typos; the per-account limit is what protects a password.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_VERBOSE = False

OTP_TOTP_ISSUER = "OpenChorus"

# --- API (RAC-1, RAC-2) ----------------------------------------------------------------------
# The PISTE-like token endpoint (/api/oauth/token): client credentials, scope "openid", as the real
# gateway. A technical account's password expires as the real one does; managers renew it.
OAUTH2_PROVIDER = {
    "SCOPES": {"openid": "Chorus Pro API"},
    "DEFAULT_SCOPES": ["openid"],
    "ACCESS_TOKEN_EXPIRE_SECONDS": env_int("OPENCHORUS_API_TOKEN_SECONDS", 3600),
}
# django-oauth-toolkit's models, named as it expects when another app refers to them.
OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"
OAUTH2_PROVIDER_ACCESS_TOKEN_MODEL = "oauth2_provider.AccessToken"  # noqa: S105 (a model name)
OAUTH2_PROVIDER_REFRESH_TOKEN_MODEL = "oauth2_provider.RefreshToken"  # noqa: S105
OAUTH2_PROVIDER_ID_TOKEN_MODEL = "oauth2_provider.IDToken"  # noqa: S105
OAUTH2_PROVIDER_GRANT_MODEL = "oauth2_provider.Grant"
OPENCHORUS_API_PASSWORD_DAYS = env_int("OPENCHORUS_API_PASSWORD_DAYS", 365)
# Webhooks (BYD-3): plain http and addresses inside the platform's network (loopback, private,
# link-local: an SSRF door) are for development only.
OPENCHORUS_WEBHOOK_ALLOW_HTTP = env_bool("OPENCHORUS_WEBHOOK_ALLOW_HTTP", DEBUG)
OPENCHORUS_WEBHOOK_ALLOW_PRIVATE = env_bool("OPENCHORUS_WEBHOOK_ALLOW_PRIVATE", DEBUG)

# --- Notifications (LIF-7): the periodic digest e-mails, sent by the scheduler -----------------
DIGEST_HOUR = env_int("OPENCHORUS_DIGEST_HOUR", 7)  # Europe/Paris
DIGEST_FREQUENCY = env_str("OPENCHORUS_DIGEST_FREQUENCY", "daily")  # or "weekly"

# --- E-mail ---------------------------------------------------------------------------------
EMAIL_BACKEND = env_str("OPENCHORUS_EMAIL_BACKEND", "openchorus.core.mail.ConsoleAndFileBackend")
EMAIL_HOST = env_str("OPENCHORUS_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("OPENCHORUS_EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("OPENCHORUS_EMAIL_USER")
EMAIL_HOST_PASSWORD = env_str("OPENCHORUS_EMAIL_PASSWORD")
EMAIL_USE_TLS = env_bool("OPENCHORUS_EMAIL_TLS", False)
DEFAULT_FROM_EMAIL = env_str("OPENCHORUS_EMAIL_FROM", "OpenChorus <notification@openchorus.localhost>")
MAIL_DIR = DATA_DIR / "mail"

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True
LANGUAGE_COOKIE_NAME = "openchorus_language"

# --- Static and uploaded files --------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
MEDIA_ROOT = DATA_DIR / "files"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env_str(
            "OPENCHORUS_STATIC_STORAGE", "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# The embedded set-up serves static files straight from the installed packages (no collectstatic:
# the DSFR alone is 7,000 files); production may collect and compress them (docs/operations.md).
WHITENOISE_USE_FINDERS = env_bool("OPENCHORUS_STATIC_FROM_APPS", True)
# Request bodies read in memory: the API's deposer/pdf takes a 10 MB PDF in base64 (≈ 13.4 MB of
# JSON); a larger body is refused with 413 before it is parsed. Uploaded files are not counted.
DATA_UPLOAD_MAX_MEMORY_SIZE = 16 * 1024 * 1024

# --- EDI flows (RAC-3, docs/flows.md) ---------------------------------------------------------
# A flow file as deposited (the real platform: 30 MB compressed), what it may unpack to, and the
# number of invoices it may hold; the chunk of invoices one task processes; the invoices written in
# one transaction (`ingestion.bulk`; 1: one by one, as a portal deposit); how long a flow may go
# without a sign of life from its worker before another takes it over.
OPENCHORUS_FLOW_MAX_BYTES = env_int("OPENCHORUS_FLOW_MAX_MB", 30) * 1024 * 1024
OPENCHORUS_FLOW_MAX_UNPACKED_BYTES = env_int("OPENCHORUS_FLOW_MAX_UNPACKED_MB", 600) * 1024 * 1024
OPENCHORUS_FLOW_MAX_INVOICES = env_int("OPENCHORUS_FLOW_MAX_INVOICES", 50_000)
OPENCHORUS_FLOW_CHUNK_SIZE = env_int("OPENCHORUS_FLOW_CHUNK_SIZE", 250)
OPENCHORUS_FLOW_BATCH_SIZE = env_int("OPENCHORUS_FLOW_BATCH_SIZE", 100)
OPENCHORUS_FLOW_STALE_SECONDS = env_int("OPENCHORUS_FLOW_STALE_SECONDS", 120)
OPENCHORUS_FLOWS_DIR = Path(env_str("OPENCHORUS_FLOWS_DIR", str(DATA_DIR / "flows")))
# deposer/flux carries the flow in base64 inside JSON: the body may be a third larger than the flow.
DATA_UPLOAD_MAX_MEMORY_SIZE = max(
    DATA_UPLOAD_MAX_MEMORY_SIZE, OPENCHORUS_FLOW_MAX_BYTES * 4 // 3 + 1024 * 1024
)

# --- Logging --------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("OPENCHORUS_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# --- Portal ---------------------------------------------------------------------------------
# Invoices (INV): the French reform's rules (BR-FR) refuse only once this is set; the deposit cap.
OPENCHORUS_BR_FR_FATAL = env_bool("OPENCHORUS_BR_FR_FATAL", False)
OPENCHORUS_INVOICE_FILE_MAX_BYTES = env_int("OPENCHORUS_INVOICE_FILE_MAX_MB", 20) * 1024 * 1024

SITE_TITLE = env_str("OPENCHORUS_SITE_TITLE", "OpenChorus")
SITE_TAGLINE = env_str("OPENCHORUS_SITE_TAGLINE", "Facturation électronique du secteur public")
