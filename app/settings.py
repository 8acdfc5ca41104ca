"""Sanad settings, read from environment variables.

`SANAD_ENV` picks the mode:
- `production` (the default): DEBUG off, `SECRET_KEY` and `ALLOWED_HOSTS` must be given,
  secure cookies and HSTS on.
- `development`: what `./sanad run` uses; DEBUG on, a secret key generated once into
  the ignored `.local/` folder, localhost only.
- `test`: what pytest uses (`app.settings_test`); fast password hashing, fixed secret.

`DATABASE_URL` is always required: `./sanad` sets it to a private cluster when the
environment does not.
"""

import datetime as dt
import os
import secrets
from pathlib import Path

import dj_database_url
import dj_email_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
LOCAL_DIR = BASE_DIR / ".local"

SANAD_ENV = os.environ.get("SANAD_ENV", "production")
if SANAD_ENV not in {"production", "development", "test"}:
    raise ImproperlyConfigured(
        f"SANAD_ENV must be production, development or test, not {SANAD_ENV!r}."
    )
IS_PRODUCTION = SANAD_ENV == "production"


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (true/false), not {value!r}.")


def _env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def _development_secret_key() -> str:
    """Return a per-checkout secret key, generated once, so sessions survive restarts."""
    key_file = LOCAL_DIR / "dev-secret-key"
    if key_file.exists():
        return key_file.read_text().strip()
    LOCAL_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


DEBUG = _env_bool("DEBUG", default=SANAD_ENV == "development")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if SANAD_ENV == "development":
        SECRET_KEY = _development_secret_key()
    elif SANAD_ENV == "test":
        SECRET_KEY = "test-only-secret-key-not-for-production-use-0123456789abcdef"  # noqa: S105
    else:
        raise ImproperlyConfigured("SECRET_KEY must be set in production.")

ALLOWED_HOSTS = _env_list(
    "ALLOWED_HOSTS", [] if IS_PRODUCTION else ["127.0.0.1", "localhost", "testserver"]
)
CSRF_TRUSTED_ORIGINS = _env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "axes",
    "app.core",
    "app.accounts",
    "app.workspaces",
    "app.members",
    "app.articles",
    "app.claims",
    "app.sources",
    "app.audit",
    "app.api",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "app.search",
    "app.exports",
    "app.operations",
    "app.invitations",
    "app.notifications",
    "app.public",
    # The job queue's tables come from its own migrations (schema public, so the runtime
    # role's grants cover them).
    "procrastinate.contrib.django",
    "app.jobs",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "app.core.replicas.ReplicaPinMiddleware",
    "app.core.middleware.RequestSizeLimitMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "app.core.middleware.RequestIdMiddleware",
    "app.api.middleware.TokenScopeMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After the session and the user: a person's own language comes first.
    "app.accounts.locale.LanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "app.core.middleware.DomainErrorMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a lockout into its response.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    # First, so that a locked-out username/address never reaches the password check.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Login guessing: after 5 failures for one username from one address, that pair is
# locked out for 15 minutes (a success resets the count). Keying on the pair, not the
# address alone, keeps one newsroom's shared NAT address from locking everyone out.
AXES_FAILURE_LIMIT = int(os.environ.get("SANAD_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = dt.timedelta(minutes=int(os.environ.get("SANAD_LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# The client address comes from REMOTE_ADDR unless the operator names the header a
# trusted proxy sets (e.g. SANAD_CLIENT_IP_HEADERS=HTTP_X_FORWARDED_FOR): trusting a
# header no proxy overwrites would let a guesser pick a fresh address per try.
AXES_IPWARE_META_PRECEDENCE_ORDER = _env_list("SANAD_CLIENT_IP_HEADERS", ["REMOTE_ADDR"])

# Content Security Policy: scripts, styles, images and fonts from this origin only,
# no inline script or style anywhere (templates use none), no plugins, no framing,
# forms post only here. Imported articles are shown as escaped text, so even a
# mistake there cannot bring its own code: the browser refuses to run it.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

if IS_PRODUCTION:
    # Serves collected static files; development and tests use Django's own handlers.
    MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")

ROOT_URLCONF = "app.urls"
WSGI_APPLICATION = "app.wsgi.application"

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
                "app.workspaces.context_processors.workspaces",
            ],
        },
    },
]

DATABASE_URL = os.environ.get("DATABASE_URL", "")
# The role that owns the tables (migrations, grants, purge); the app runs as DATABASE_URL.
DATABASE_OWNER_URL = os.environ.get("DATABASE_OWNER_URL", "")
if not DATABASE_URL:
    raise ImproperlyConfigured(
        "DATABASE_URL is not set. Use ./sanad (it starts a private PostgreSQL cluster) "
        "or set DATABASE_URL=postgresql://user@host:port/dbname."
    )
# Persistent connections with a health check: one connection per worker thread,
# reused across requests, replaced when the server restarts.
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL,
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "600")),
        conn_health_checks=True,
    )
}
# Read replicas (app/core/replicas.py): comma-separated URLs, tried in order.
for _number, _url in enumerate(
    url.strip() for url in os.environ.get("DATABASE_REPLICA_URLS", "").split(",") if url.strip()
):
    DATABASES[f"replica_{_number}"] = {
        **dj_database_url.parse(
            _url,
            conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "600")),
            conn_health_checks=True,
        ),
        # The test runner makes no copy of a replica: it reads the test database.
        "TEST": {"MIRROR": "default"},
    }
DATABASE_ROUTERS = ["app.core.replicas.ReplicaRouter"]
# Read-your-writes: after a write, the writer's reads stay on the primary this long.
SANAD_REPLICA_PIN_SECONDS = int(os.environ.get("SANAD_REPLICA_PIN_SECONDS", "10"))
# A replica further behind than this (seconds) is skipped; its lag is re-read this often.
SANAD_REPLICA_MAX_LAG = float(os.environ.get("SANAD_REPLICA_MAX_LAG", "5"))
SANAD_REPLICA_CHECK_SECONDS = float(os.environ.get("SANAD_REPLICA_CHECK_SECONDS", "2"))
# The reader's rendered JSON (app/claims/reader_api.py) in the database, so that every
# worker shares it and one invalidation reaches all (table made by claims.0008).
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured("Sanad runs on PostgreSQL only: DATABASE_URL must be postgresql://")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# One cache for every worker process (the per-token API throttle counts across them):
# Redis when REDIS_URL is set, else a table in the database (migration core 0002).
REDIS_URL = os.environ.get("REDIS_URL", "")
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    if REDIS_URL
    else {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "core_cache"},
    # The reader's JSON per (snapshot, claims version): shared by every worker, kept a week;
    # a claim change bumps the version, so stale entries are never read, only culled.
    "reader": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "reader",
        "TIMEOUT": 7 * 24 * 3600,
    }
    if REDIS_URL
    else {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "sanad_reader_cache",
        "TIMEOUT": 7 * 24 * 3600,
        "OPTIONS": {"MAX_ENTRIES": 20000},
    },
}

# Files that outlive a request (background exports): a folder every web node and worker
# shares, never a node's own memory.
SANAD_STORAGE_DIR = Path(os.environ.get("SANAD_STORAGE_DIR") or LOCAL_DIR / "storage")
# Django's default storage (capture files: app/core/blobs.py). SANAD_MEDIA_ROOT names the
# folder; with django-storages configured in STORAGES["default"], object storage instead.
MEDIA_ROOT = Path(os.environ.get("SANAD_MEDIA_ROOT") or SANAD_STORAGE_DIR / "media")
# How long a finished export's file stays downloadable before the cleanup task removes it.
SANAD_EXPORT_FILE_HOURS = int(os.environ.get("SANAD_EXPORT_FILE_HOURS", "24"))
AUTH_USER_MODEL = "accounts.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en"
LANGUAGES = [("fa", "فارسی"), ("en", "English")]
# Catalogues in locale/<lang>/LC_MESSAGES/django.po; the .mo files are compiled by
# `./sanad` (scripts/compile_messages.py), never committed.
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    # Capture files (app/core/blobs.py) under MEDIA_ROOT, in the shared folder, never in a
    # node's working directory (no explicit location, so a test's MEDIA_ROOT override holds).
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Hashed file names need collectstatic; only production runs it.
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if IS_PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Object storage instead of the shared folder: with SANAD_S3_BUCKET set, capture files
# (under media/) and job files (under jobs/) go to that bucket through django-storages, so
# web nodes and workers share no disk. Credentials come the usual boto3 way (AWS_* variables
# or the machine's role); SANAD_S3_ENDPOINT_URL names an S3-compatible server (MinIO...).
if os.environ.get("SANAD_S3_BUCKET"):
    _S3 = {
        "bucket_name": os.environ["SANAD_S3_BUCKET"],
        "endpoint_url": os.environ.get("SANAD_S3_ENDPOINT_URL") or None,
        "region_name": os.environ.get("SANAD_S3_REGION") or None,
        # Names are content hashes or job ids: replacing is what a retry means.
        "file_overwrite": True,
        "default_acl": None,
        "querystring_auth": True,
    }
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {**_S3, "location": "media"},
    }
    STORAGES["jobs"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {**_S3, "location": "jobs"},
    }

# Ed25519 key that signs audit checkpoints: the key itself (PEM text in SANAD_SIGNING_KEY, so
# that several web nodes and workers share one), or a file generated on first use (mode 0600),
# never committed. Production must name one or the other: a key made silently in a
# container's own disk would be replaced by a new one at each restart.
if IS_PRODUCTION and not (
    os.environ.get("SANAD_SIGNING_KEY_PATH") or os.environ.get("SANAD_SIGNING_KEY", "").strip()
):
    raise ImproperlyConfigured(
        "SANAD_SIGNING_KEY_PATH must be set in production: the path of the audit signing "
        "key on persistent storage (created there, mode 0600, on first use if missing), "
        "or SANAD_SIGNING_KEY: the key itself (PKCS#8 PEM)."
    )
SANAD_SIGNING_KEY_PATH = Path(
    os.environ.get("SANAD_SIGNING_KEY_PATH", str(LOCAL_DIR / "audit-signing-key.pem"))
)
SANAD_SIGNING_KEY = os.environ.get("SANAD_SIGNING_KEY", "")

# Largest article accepted by an import (text as UTF-8, or the HTML page), in bytes.
SANAD_IMPORT_MAX_BYTES = int(os.environ.get("SANAD_IMPORT_MAX_BYTES", str(2 * 1024 * 1024)))
# Room for a pasted page plus the form around it; larger bodies get Django's 400.
DATA_UPLOAD_MAX_MEMORY_SIZE = SANAD_IMPORT_MAX_BYTES * 2 + 512 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = SANAD_IMPORT_MAX_BYTES + 512 * 1024
# A bulk import uploads many files in one form (the whole body stays under the limit below).
DATA_UPLOAD_MAX_NUMBER_FILES = 5000
# Any request body declared larger than this is refused with 413 before it is read.
SANAD_MAX_REQUEST_BYTES = DATA_UPLOAD_MAX_MEMORY_SIZE

# Fetching by URL (app/core/fetch.py): limits per page, and the test suite's loopback server.
SANAD_FETCH_MAX_BYTES = int(os.environ.get("SANAD_FETCH_MAX_BYTES", str(SANAD_IMPORT_MAX_BYTES)))
SANAD_FETCH_TIMEOUT = float(os.environ.get("SANAD_FETCH_TIMEOUT", "20"))
# A screenshot and a PDF of each capture by headless Chromium (app/core/render.py), if installed.
SANAD_CAPTURE_RENDER = _env_bool("SANAD_CAPTURE_RENDER", default=True)
SANAD_CHROMIUM = os.environ.get("SANAD_CHROMIUM", "")
# "ip:port" pairs the fetcher may reach although they are not public; tests only.
SANAD_FETCH_TEST_ALLOWED_ADDRESSES: list[str] = []
if os.environ.get("SANAD_FETCH_TEST_ALLOWED_ADDRESSES") and SANAD_ENV != "test":
    raise ImproperlyConfigured(
        "SANAD_FETCH_TEST_ALLOWED_ADDRESSES is for the test suite; the fetcher never "
        "reaches internal addresses outside it."
    )

# API conventions every /api/v1/ view inherits (see app/api and the README's API section):
# token or session auth, cursor pages, django-filter, one error shape, per-token throttle.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # First, so that a request without credentials gets 401 with WWW-Authenticate.
        "app.members.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "app.api.pagination.ApiCursorPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_THROTTLE_CLASSES": ["app.api.throttling.ApiTokenRateThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["app.api.parsers.SafeJSONParser"],
    "EXCEPTION_HANDLER": "app.api.errors.api_exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
# Requests per API token (DRF rate syntax: n/second, minute, hour or day).
SANAD_API_TOKEN_RATE = os.environ.get("SANAD_API_TOKEN_RATE", "3600/hour")
SPECTACULAR_SETTINGS = {
    "TITLE": "Sanad API",
    "DESCRIPTION": "Claims in news articles, their sources and verdicts, per workspace. "
    "Authenticate with a session (browser, CSRF) or `Authorization: Bearer <token>`. "
    "Lists are cursor-paginated; errors share one shape; claim writes need If-Match.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "app.api.schema.add_error_responses",
    ],
}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if IS_PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = _env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    # Both bind every subdomain (preload: for good, via browsers' lists): the operator's call.
    SECURE_HSTS_INCLUDE_SUBDOMAINS = _env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
    SECURE_HSTS_PRELOAD = _env_bool("SECURE_HSTS_PRELOAD", default=False)
    # `check --deploy` warns about both; they stay off unless asked for, on purpose.
    SILENCED_SYSTEM_CHECKS = ["security.W005", "security.W021"]
# X-Forwarded-Proto is believed only behind a proxy that sets it (anyone else could send it).
if _env_bool("SANAD_TRUST_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # django-axes logs every sign-in and sign-out at INFO; keep its lockouts (WARNING).
    # procrastinate announces each task and schedule at start-up, in every manage.py command.
    "loggers": {
        "axes": {"level": "WARNING"},
        "procrastinate.blueprints": {"level": "WARNING"},
        "procrastinate.periodic": {"level": "WARNING"},
    },
}

# E-mail (invitations, password resets, notification digests): `EMAIL_URL`
# (smtp://user:password@host:587/?tls=True, parsed by dj-email-url) or the usual
# `EMAIL_HOST`, `EMAIL_PORT`, `EMAIL_HOST_USER`, `EMAIL_HOST_PASSWORD`, `EMAIL_USE_TLS`,
# `EMAIL_USE_SSL`. Development prints mail on the console, tests keep it in memory
# (locmem), production sends none unless configured: invitation and reset links are
# then shown to the admin to pass on.
EMAIL_URL = os.environ.get("EMAIL_URL", "")
if EMAIL_URL:
    globals().update(dj_email_url.parse(EMAIL_URL))
    SANAD_EMAIL_ENABLED = True
elif os.environ.get("EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ["EMAIL_HOST"]
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = _env_bool("EMAIL_USE_TLS", default=not _env_bool("EMAIL_USE_SSL", False))
    EMAIL_USE_SSL = _env_bool("EMAIL_USE_SSL", default=False)
    SANAD_EMAIL_ENABLED = True
elif SANAD_ENV == "development":
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    SANAD_EMAIL_ENABLED = True
elif SANAD_ENV == "test":
    EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    SANAD_EMAIL_ENABLED = True
else:
    EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
    SANAD_EMAIL_ENABLED = False
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Sanad <sanad@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Invitation links stay valid this many days (single use either way).
SANAD_INVITATION_DAYS = int(os.environ.get("SANAD_INVITATION_DAYS", "7"))
# An unused invitation is deleted by the hourly cleanup this many days after it expired.
SANAD_INVITATION_KEEP_DAYS = int(os.environ.get("SANAD_INVITATION_KEEP_DAYS", "30"))
# Notification kinds and source kinds are both fields named "kind" in the API schema.
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"] = {
    "NotificationKindEnum": "app.notifications.models.Notification.Kind",
    "SourceKindEnum": "app.sources.models.Source.Kind",
}
# Where links in e-mails sent outside a request (notification digests) point.
SANAD_BASE_URL = os.environ.get("SANAD_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
