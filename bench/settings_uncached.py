"""Benchmark settings with no page cache: every request builds its page.

Django's dummy cache keeps nothing, so the page cache (``newsroom.site.cache``) finds no
content version and no page, and builds both on every request, as after a renewal or for
an address no reader asked for before.
"""

from bench.settings_bench import *  # noqa: F403

CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
