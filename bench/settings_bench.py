"""Benchmark settings: production's, with the query-counting middleware and the minimal view.

Only ``bench/web_bench.py`` uses these: the site itself never loads this module.
"""

import os

from pressoffice.settings.production import *  # noqa: F403
from pressoffice.settings.production import MIDDLEWARE, STATIC_ROOT

ROOT_URLCONF = "bench.urls"
# First, so that every query of a request is counted, the page cache's included.
MIDDLEWARE = ["bench.query_count_middleware.QueryCountMiddleware", *MIDDLEWARE]
# The benchmark collects the static files into its own folder, not the project's.
STATIC_ROOT = os.environ.get("BENCH_STATIC_ROOT") or STATIC_ROOT
