"""Benchmark settings with no page cache: every request builds its page.

The page cache (``newsroom.site.cache``) is off, so every request builds its page, as
after a renewal or for an address no reader asked for before. What pages share under one
content version (the list's facets and counts) stays in Redis, as it does in production
between two renewals; the run with editors measures what renewals cost.
"""

from bench.settings_bench import *  # noqa: F403

NEWSROOM_PAGE_CACHE = False
