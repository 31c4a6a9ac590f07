"""Settings shared by development and production.

Each mode imports everything from here and then decides DEBUG, SECRET_KEY and
ALLOWED_HOSTS. Deployment-specific values come from the environment so that
any number of stateless instances can share one configuration.
"""

import os
import re
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.http.request import split_domain_port, validate_host

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env(name, default=None):
    return os.environ.get(name, default)


def require_env(name):
    value = os.environ.get(name, "").strip()
    if not value:
        raise ImproperlyConfigured(f"The environment variable {name} must be set in production.")
    return value


def env_flag(name, default):
    """A yes/no variable: 1/0, true/false, yes/no or on/off."""
    value = os.environ.get(name, "").strip().lower()
    if not value:
        return default
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"The environment variable {name} must be 1 or 0, not {value!r}.")


def env_int(name, default, minimum=0):
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        number = int(value)
    except ValueError:
        number = None
    if number is None or number < minimum:
        raise ImproperlyConfigured(
            f"The environment variable {name} must be a whole number of at least {minimum}, "
            f"not {value!r}."
        )
    return number


def env_choice(name, choices, default):
    """One of ``choices`` from the variable ``name``, or ``default`` when it is not set."""
    value = os.environ.get(name, "").strip().lower() or default
    if value not in choices:
        raise ImproperlyConfigured(
            f"The environment variable {name} must be one of {', '.join(choices)}, not {value!r}."
        )
    return value


def site_url_from_env(name, allowed_hosts, *, require_https):
    """``scheme://host[:port]`` from ``name``, checked: absolute URLs are built from it."""
    value = os.environ.get(name, "").strip()
    if not value:
        return ""
    schemes = {"https"} if require_https else {"http", "https"}
    parts = urlsplit(value)
    try:
        well_formed = (
            parts.scheme in schemes
            and bool(parts.hostname)
            and parts.port != 0
            and parts.username is None
            and parts.password is None
            and parts.path in ("", "/")
            and not parts.query
            and not parts.fragment
        )
    except ValueError:  # a port that is not a number from 1 to 65535
        well_formed = False
    if not well_formed:
        raise ImproperlyConfigured(
            f"The environment variable {name} must be an address such as "
            f"https://news.example.org ({' or '.join(sorted(schemes))}, no path), not {value!r}."
        )
    host = parts.netloc.lower()
    # Requests are answered as if they came to this host, so Django must accept it.
    if not validate_host(split_domain_port(host)[0], allowed_hosts):
        raise ImproperlyConfigured(f"The host of {name} ({host}) must be in DJANGO_ALLOWED_HOSTS.")
    return f"{parts.scheme}://{host}"


def admin_path_from_env(name, default):
    value = os.environ.get(name, "").strip() or default
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._~-]*(/[A-Za-z0-9._~-]+)*/", value):
        raise ImproperlyConfigured(
            f"The environment variable {name} must be a path such as 'office/' "
            f"(letters, digits, '-', '_', '.', ending with '/'), not {value!r}."
        )
    return value


INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "axes",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "taggit",
    "reversion",
    "django_prose_editor",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "newsroom",
]

MIDDLEWARE = [
    # First, so that every response and every log line of a request carries its id.
    "pressoffice.observability.RequestIdMiddleware",
    # Before host checks and the HTTPS redirect: a load balancer asks an instance directly.
    "newsroom.site.availability.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "pressoffice.security.KnownMethodsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "pressoffice.security.SiteURLMiddleware",
    "pressoffice.security.ContentSecurityPolicyMiddleware",
    "pressoffice.security.PermissionsPolicyMiddleware",
    # Before the session, the language and the user: a public page served from the cache
    # needs none of them (newsroom.site.cache), and after the headers every response gets.
    "newsroom.site.cache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes requires: it turns a refused sign-in into the lock-out page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "pressoffice.urls"
WSGI_APPLICATION = "pressoffice.wsgi.application"

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
            ],
        },
    },
]


# SQLite in the project folder unless DATABASE_URL names another database.
def database_from_env():
    """The database ``DATABASE_URL`` names (SQLite in the project folder without it).

    Connections are kept between requests and checked before reuse; SQLite writes through
    a write-ahead log and waits for a busy database instead of failing at once.
    """
    url = env("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
    try:
        database = dj_database_url.parse(
            url,
            conn_max_age=int(env("DATABASE_CONN_MAX_AGE", "60")),
            conn_health_checks=True,
        )
    except ValueError as error:
        reason = str(error).split(". ", 1)[0]
        raise ImproperlyConfigured(
            f"DATABASE_URL is not a database address Django can use ({reason})."
        ) from None
    if not database.get("ENGINE") or not database.get("NAME"):
        raise ImproperlyConfigured("DATABASE_URL names no database, e.g. postgres://host/name.")
    if database["ENGINE"] == "django.db.backends.sqlite3":
        database["OPTIONS"] = {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "timeout": 20,
            # Writers take the lock when they start, so two never deadlock on an upgrade.
            "transaction_mode": "IMMEDIATE",
        }
    elif database["ENGINE"] == "django.db.backends.postgresql":
        options = database.setdefault("OPTIONS", {})
        # A database that does not answer is reported in seconds, not minutes.
        options["connect_timeout"] = int(env("DATABASE_CONNECT_TIMEOUT", "5"))
        # Parameters bound by the server, so that the pages' statements
        # (newsroom/models/statements.py) are prepared and planned once a connection,
        # not on every request; no other query is prepared. Off behind a pooler that
        # does not keep prepared statements between transactions.
        if env_flag("DATABASE_PREPARED_STATEMENTS", True):
            options["server_side_binding"] = True
    return database


def cache_from_env():
    """Redis at ``REDIS_URL`` with short socket timeouts, else the process's own memory.

    A cache that does not answer must not add seconds to every request: the page cache
    goes on without it (newsroom/site/cache.py).
    """
    url = env("REDIS_URL")
    if not url:
        return {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    if urlsplit(url).scheme not in ("redis", "rediss", "unix"):
        raise ImproperlyConfigured(
            "REDIS_URL must be a redis://, rediss:// or unix:// address, e.g. redis://cache:6379/0."
        )
    try:
        timeout = float(env("REDIS_SOCKET_TIMEOUT", "0.25"))
    except ValueError:
        raise ImproperlyConfigured("REDIS_SOCKET_TIMEOUT must be a number of seconds.") from None
    return {
        "default": {
            "BACKEND": "pressoffice.redis_cache.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", "pressoffice"),
            "OPTIONS": {"socket_connect_timeout": timeout, "socket_timeout": timeout},
        }
    }


DATABASES = {"default": database_from_env()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
CACHES = cache_from_env()

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", "English"),
    ("ru", "Русский"),
    ("zh-hans", "简体中文"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "media")))

# Media files are served by newsroom.site.media, which answers only for files a record
# names and only as that record's visibility allows (docs/architecture.md, "Visibility").
# Files readers may not see yet reach staff and share-link pages through signed addresses
# that expire after this many seconds.
MEDIA_SIGNED_URL_SECONDS = env_int("DJANGO_MEDIA_SIGNED_URL_SECONDS", 60 * 60, minimum=60)
# Where public files are addressed: the site's own /media/ unless a CDN in front of it has
# another origin, e.g. https://media.example.org/ (its responses are immutable for a year).
MEDIA_PUBLIC_URL = env("DJANGO_MEDIA_PUBLIC_URL", "").strip() or MEDIA_URL
if not MEDIA_PUBLIC_URL.endswith("/") or not (
    MEDIA_PUBLIC_URL.startswith("/") or urlsplit(MEDIA_PUBLIC_URL).scheme in ("http", "https")
):
    raise ImproperlyConfigured(
        "DJANGO_MEDIA_PUBLIC_URL must be an address ending in '/', e.g. "
        f"https://media.example.org/, not {MEDIA_PUBLIC_URL!r}."
    )
# ``filesystem``: MEDIA_ROOT on this machine. ``s3``: a private S3-compatible bucket
# (AWS_STORAGE_BUCKET_NAME; credentials from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY).
MEDIA_STORAGE = env_choice(
    "MEDIA_STORAGE", ("filesystem", "s3"), "s3" if env("AWS_STORAGE_BUCKET_NAME") else "filesystem"
)
# How the media view hands over a file it has allowed: ``stream`` reads it through the
# application; ``x-accel-redirect`` (nginx) and ``x-sendfile`` (Apache, lighttpd) let the
# web server send it from MEDIA_ROOT.
MEDIA_SERVE = env_choice(
    "DJANGO_MEDIA_SERVE", ("stream", "x-accel-redirect", "x-sendfile"), "stream"
)
# The internal nginx location that maps onto MEDIA_ROOT, for ``x-accel-redirect``.
MEDIA_ACCEL_PREFIX = env("DJANGO_MEDIA_ACCEL_PREFIX", "/protected-media/").strip()
if not re.fullmatch(r"/([A-Za-z0-9._~-]+/)*", MEDIA_ACCEL_PREFIX):
    raise ImproperlyConfigured(
        "DJANGO_MEDIA_ACCEL_PREFIX must be a path such as /protected-media/, "
        f"not {MEDIA_ACCEL_PREFIX!r}."
    )


def media_storage_from_env():
    if MEDIA_STORAGE == "filesystem":
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    if MEDIA_SERVE != "stream":
        # The web server cannot read a private bucket; the application streams from it.
        raise ImproperlyConfigured("DJANGO_MEDIA_SERVE must be 'stream' with MEDIA_STORAGE=s3.")
    bucket = env("AWS_STORAGE_BUCKET_NAME", "").strip()
    if not bucket:
        raise ImproperlyConfigured("MEDIA_STORAGE=s3 needs the bucket in AWS_STORAGE_BUCKET_NAME.")
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": env("AWS_S3_ENDPOINT_URL") or None,
            "region_name": env("AWS_S3_REGION_NAME") or None,
            "addressing_style": env("AWS_S3_ADDRESSING_STYLE") or None,
            "signature_version": env("AWS_S3_SIGNATURE_VERSION") or "s3v4",
            # Private objects: every address the storage gives out is presigned and expires.
            "default_acl": None,
            "querystring_auth": True,
            "querystring_expire": MEDIA_SIGNED_URL_SECONDS,
        },
    }


STORAGES = {
    "default": media_storage_from_env(),
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Background tasks (django-tasks): ``immediate`` runs a task at once in the process that
# asks for it; ``database`` queues it for ``manage.py db_worker`` (``make worker``).
TASK_BACKENDS = {
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
    "database": "django_tasks_db.DatabaseBackend",
}


def tasks_from_env(default):
    backend = env_choice("DJANGO_TASKS_BACKEND", tuple(TASK_BACKENDS), default)
    return {"default": {"BACKEND": TASK_BACKENDS[backend]}}


TASKS = tasks_from_env("immediate")

FIXTURE_DIRS = [BASE_DIR / "fixtures"]

TAGGIT_CASE_INSENSITIVE = True
TAGGIT_TAGS_FROM_STRING = "newsroom.text.tags_from_string"

LOGIN_URL = "admin:login"

# Where the admin lives; a path of its own makes the sign-in page harder to find for
# scripts that try passwords on every site's /admin/.
ADMIN_PATH = admin_path_from_env("DJANGO_ADMIN_PATH", "admin/")

# The public address, e.g. https://news.example.org: when set, feeds, the API, the
# sitemap and every other absolute URL use it instead of the Host the request named
# (pressoffice.security.SiteURLMiddleware). Production requires it.
SITE_URL = ""

# Whether a proxy in front of the application ends TLS and sets X-Forwarded-Proto and
# X-Forwarded-For; set in production from DJANGO_TRUSTED_PROXY.
TRUSTED_PROXY = False

# Sign-in protection (django-axes): after this many failures for one user name from
# one address, that pair is locked out for the cool-off time or until someone with
# the "delete access attempt" permission removes the attempt in the admin.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("DJANGO_LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# 0 minutes: locked until unlocked in the admin or by a password reset.
AXES_COOLOFF_TIME = (
    timedelta(minutes=minutes) if (minutes := env_int("DJANGO_LOGIN_COOLOFF_MINUTES", 30)) else None
)
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "pressoffice.security.locked_out"
AXES_CLIENT_IP_CALLABLE = "pressoffice.security.client_ip"
# Staff sign in through the admin only; the public site has no accounts.
AXES_ONLY_ADMIN_SITE = True

# Staff sessions last a working day, then the editor signs in again.
SESSION_COOKIE_AGE = env_int("DJANGO_SESSION_COOKIE_AGE", 9 * 60 * 60, minimum=60)
SESSION_COOKIE_HTTPONLY = True
# No script of the site or the admin reads the CSRF cookie: forms carry the token.
CSRF_COOKIE_HTTPONLY = True

SECURE_CONTENT_TYPE_NOSNIFF = True
# Share-link addresses are secrets: they must not leave the site in a Referer.
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Features no page of the site or the admin uses; sent by PermissionsPolicyMiddleware.
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), display-capture=(), geolocation=(), gyroscope=(), "
    "magnetometer=(), microphone=(), midi=(), payment=(), usb=()"
)

# The stand-alone 500 page (templates/500.html) carries its style inline, since it
# must render whatever broke; this is the hash of that <style> element's text.
# tests/test_security_csp.py fails with the new value when the style changes.
ERROR_PAGE_STYLE_HASH = "'sha256-2KCuB9A79l5rzMG0lkL7xkcYD0foTsiI9Ba2DFrMmUc='"

# Content-Security-Policy (django-csp 4): everything from the site itself. No public
# page has an inline script; the JSON-LD block of a release page is a data block
# (type application/ld+json), which browsers never execute and CSP does not govern
# (HTML, "prepare the script element": a data block returns before the CSP check).
# No nonces: public pages are served from the page cache, so a nonce would repeat.
# The admin gets a wider policy in pressoffice.security.ContentSecurityPolicyMiddleware.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, ERROR_PAGE_STYLE_HASH],
        # Extra image origins, e.g. an S3 bucket's, when media are not served by the site.
        "img-src": [
            SELF,
            *env("DJANGO_CSP_IMG_SRC", "").replace(",", " ").split(),
            *([MEDIA_PUBLIC_URL] if not MEDIA_PUBLIC_URL.startswith("/") else []),
        ],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "report-uri": env("DJANGO_CSP_REPORT_URI", "").strip() or None,
    }
}

# Password reset mails to staff; production sends through SMTP.
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", "press-office@localhost")
EMAIL_TIMEOUT = 20

# With Redis, each process keeps the pages it served last, up to this many bytes, until a
# change is announced (newsroom/site/cache.py, LocalCopy); 0 keeps none.
try:
    NEWSROOM_LOCAL_PAGE_BYTES = int(env("NEWSROOM_LOCAL_PAGE_BYTES", str(16 * 1024 * 1024)))
except ValueError:
    raise ImproperlyConfigured("NEWSROOM_LOCAL_PAGE_BYTES must be a number of bytes.") from None

# Release bodies larger than this are refused rather than stored.
NEWSROOM_MAX_BODY_CHARS = 200_000

# Documents larger than this are refused by import_documents and the admin upload.
NEWSROOM_IMPORT_MAX_BYTES = 200_000
