"""gunicorn's settings for Pressoffice (docs/deploy.md).

Start with ``gunicorn pressoffice.wsgi`` from the project folder; this file is read by
itself. Every value can be changed by the environment variable named beside it.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Sync workers: the pages are quick and the database is the limit; (2 × cores) + 1 keeps
# every core busy while some workers wait on the database.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
# A request that takes longer than this is stuck: the worker is replaced.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
# Recycle workers now and then, at staggered times, so no slow leak grows without bound.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "5000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "500"))

# Logs to standard output and error as JSON lines, the access log with request ids.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = os.environ.get("GUNICORN_ERROR_LOG", "-")
logger_class = "pressoffice.observability.JsonAccessLogger"

# Only a proxy on this machine may say which address and scheme the client used; with
# DJANGO_TRUSTED_PROXY=1 the proxy's address is given here.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
