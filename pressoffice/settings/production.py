"""Production settings: refuse to start without a secret key, host names and the site's address.

HTTPS only: plain HTTP is redirected, browsers are told to remember that (HSTS) and
cookies never travel unencrypted.
"""

from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env, env_flag, env_int, require_env, site_url_from_env, tasks_from_env

DEBUG = False
SECRET_KEY = require_env("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = [h.strip() for h in require_env("DJANGO_ALLOWED_HOSTS").split(",") if h.strip()]
CSRF_TRUSTED_ORIGINS = [o for o in env("DJANGO_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

require_env("SITE_URL")
SITE_URL = site_url_from_env("SITE_URL", ALLOWED_HOSTS, require_https=True)

# TLS may end at a proxy in front of the application server. Only when it does, and
# that proxy sets X-Forwarded-Proto (and X-Forwarded-For), may those headers be
# believed: from anyone else they are a lie that would make plain HTTP look secure.
TRUSTED_PROXY = env_flag("DJANGO_TRUSTED_PROXY", False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if TRUSTED_PROXY else None

SECURE_SSL_REDIRECT = True
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 365 * 24 * 60 * 60)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_flag("DJANGO_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_flag("DJANGO_HSTS_PRELOAD", False)
if not SECURE_HSTS_PRELOAD:
    # Entering the browsers' preload list binds every subdomain of the organisation's
    # domain to HTTPS for months, beyond this site's control: a deliberate decision,
    # taken with DJANGO_HSTS_PRELOAD=1, not a default the deployment check should nag about.
    SILENCED_SYSTEM_CHECKS = ["security.W021"]

SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
# The __Host- prefix makes browsers refuse these cookies unless they are Secure, for
# this host only and for every path: no other subdomain can set or shadow them.
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken"

EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = env("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("DJANGO_EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_flag("DJANGO_EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_flag("DJANGO_EMAIL_USE_SSL", False)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured(
        "Set only one of DJANGO_EMAIL_USE_TLS (STARTTLS, port 587) and DJANGO_EMAIL_USE_SSL "
        "(port 465)."
    )
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", f"press-office@{urlsplit(SITE_URL).hostname}")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Renditions, e-mails and the warm-up of cached pages wait in the database for
# `manage.py db_worker`; DJANGO_TASKS_BACKEND=immediate runs them in the request instead.
TASKS = tasks_from_env("database")

# One JSON object a line on standard output, with the request id (docs/deploy.md, "Logs").
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "pressoffice.observability.JsonFormatter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "json",
        }
    },
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", "INFO")},
    # The lock-out protection announces its settings at every start; failures still log.
    "loggers": {"axes.apps": {"level": "WARNING"}},
}
