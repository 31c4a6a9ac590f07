"""Development settings: work with no environment variable set."""

from .base import *  # noqa: F403
from .base import env, site_url_from_env

DEBUG = True
SECRET_KEY = env("DJANGO_SECRET_KEY", "development-only-secret-key-not-for-production")
ALLOWED_HOSTS = [
    h for h in env("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver").split(",") if h
]
# Optional here: without it, absolute URLs name the host the browser asked for.
SITE_URL = site_url_from_env("SITE_URL", ALLOWED_HOSTS, require_https=False)
