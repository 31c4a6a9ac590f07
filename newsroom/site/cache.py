"""Whole-page caching of the public site with conditional GET.

Every cached page is stored under a key made of the language and the full
URL with its scheme and host, and carries the *content version* it was built
under; a page of another version is not served. Pages carry absolute
links, so a request naming another host or scheme must never decide what other
readers get, and only hosts that ALLOWED_HOSTS names (not "*") are cached.
The version changes when the editorial layer announces
``public_content_changed`` (something readers can see changed) and when the
next scheduled release comes due, so no page outlives the content it shows
and no job has to run at the embargo time. Saving a draft, a release in
review or a scheduled one announces nothing and keeps every page.
The version state costs no query on a cache hit: it remembers the time of
the next scheduled release, which ``embargo_changed`` brings up to date. A hit
costs one round trip to the cache: the state and the page are read together.

A cache that fails (Redis down or unreachable) never fails a page or a save:
pages are built uncached, ``CacheGuard`` stops asking the cache for a few
seconds so a dead cache costs one socket timeout rather than one per call,
logs once a minute, and a renewal it could not deliver is delivered as soon as
the cache answers again. Pages also expire after ``NEWSROOM_PAGE_TIMEOUT``, so
even a renewal lost with a process that died is bounded.
"""

import contextvars
import hashlib
import logging
import time
import uuid
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.http.request import split_domain_port, validate_host
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date, quote_etag

from newsroom.editorial.signals import embargo_changed, public_content_changed
from newsroom.models import PressRelease

STATE_KEY = "newsroom:public:state"
# Pages kept by a shared cache; a renewal lost in a cache outage lasts no longer.
PAGE_TIMEOUT = 60 * 60
# A cache inside one process never hears of a change saved through another
# worker process, so there pages are kept only briefly.
PROCESS_LOCAL_PAGE_TIMEOUT = 60
# Browsers and proxies revalidate every time; the ETag makes that cheap.
BROWSER_MAX_AGE = 0
# Headers a cached page keeps besides its body.
KEPT_HEADERS = (
    "Content-Type",
    "Access-Control-Allow-Origin",
    "Content-Language",
    "Vary",
    "X-Robots-Tag",
)


logger = logging.getLogger(__name__)

try:
    from redis.exceptions import RedisError
except ImportError:  # pragma: no cover - redis is a requirement, but only Redis raises these
    RedisError = OSError
CACHE_ERRORS = (RedisError, OSError)


class CacheGuard:
    """Every cache call of the public pages, kept from failing them."""

    # After a failure the cache is left alone this long; logged at most once a minute.
    retry_seconds = 5
    log_interval = 60

    def __init__(self):
        self.reset()

    def reset(self):
        self.down_until = 0.0
        self.logged_at = float("-inf")
        self.renewal_missed = False

    def call(self, method, *args, default=None):
        now = time.monotonic()
        if now < self.down_until:
            self.renewal_missed = self.renewal_missed or method == "delete"
            return default
        try:
            if self.renewal_missed:
                # A change readers can see was announced while the cache was away.
                cache.delete(STATE_KEY)
                self.renewal_missed = False
            return getattr(cache, method)(*args)
        except CACHE_ERRORS as error:
            self.down_until = now + self.retry_seconds
            self.renewal_missed = self.renewal_missed or method == "delete"
            if now - self.logged_at >= self.log_interval:
                self.logged_at = now
                logger.warning("The page cache is unreachable; pages are built uncached: %s", error)
            return default


guard = CacheGuard()

# The content version a page is being built under: what it shows from the
# shared fragments must be of the same version as the page itself.
building_under = contextvars.ContextVar("building_under", default=None)


def _next_due(now):
    return (
        PressRelease.objects.scheduled(now=now)
        .order_by("publish_at")
        .values_list("publish_at", flat=True)
        .first()
    )


def _new_state(now=None):
    now = now or timezone.now()
    return {"version": uuid.uuid4().hex, "changed_at": now, "next_due": _next_due(now)}


def _current(state, now):
    """``state`` as read from the cache, or a new one when there is none or it is due."""
    if state is None or (state["next_due"] is not None and state["next_due"] <= now):
        state = _new_state(now)
        guard.call("set", STATE_KEY, state, page_timeout())
    return state


def public_state(now=None):
    """The current content version; renewed when the next scheduled release is due."""
    if (state := building_under.get()) is not None:
        return state
    return _current(guard.call("get", STATE_KEY), now or timezone.now())


def for_content_version(name, compute):
    """``compute()``, computed once per content version and shared by every page.

    For what many pages show and no single page owns (the list's facets, counts
    of releases): a page built after a renewal computes it, the pages built
    after it under the same version reuse it. ``name`` must say everything the
    value depends on besides the public content (a filter, the language).
    """
    key = f"newsroom:fragment:{public_state()['version']}:{name}"
    value = guard.call("get", key)
    if value is None:
        value = compute()
        guard.call("set", key, value, page_timeout())
    return value


def invalidate_public_pages(**kwargs):
    """Forget every cached public page: the next request starts a new content version."""
    guard.call("delete", STATE_KEY)


def reschedule_public_pages(**kwargs):
    """Keep the cached pages, but learn when the next scheduled release comes due."""
    state = guard.call("get", STATE_KEY)
    if state is not None:
        state = {**state, "next_due": _next_due(timezone.now())}
        guard.call("set", STATE_KEY, state, page_timeout())


def connect():
    public_content_changed.connect(invalidate_public_pages, dispatch_uid="newsroom-page-cache")
    embargo_changed.connect(reschedule_public_pages, dispatch_uid="newsroom-page-cache-embargo")


def page_timeout():
    backend = settings.CACHES["default"]["BACKEND"]
    if backend.endswith("LocMemCache"):
        return PROCESS_LOCAL_PAGE_TIMEOUT
    return getattr(settings, "NEWSROOM_PAGE_TIMEOUT", PAGE_TIMEOUT)


def page_key(request):
    url = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    digest = hashlib.sha256(url.encode()).hexdigest()
    return f"newsroom:page:{translation.get_language()}:{digest}"


def state_and_page(request, now=None):
    """The current content version and the page cached for ``request``, in one round trip.

    The page is ``None`` when none is cached or when it was built under
    another content version.
    """
    key = page_key(request)
    found = guard.call("get_many", [STATE_KEY, key], default={})
    state = _current(found.get(STATE_KEY), now or timezone.now())
    entry = found.get(key)
    if entry is not None and entry.get("version") != state["version"]:
        entry = None
    return state, key, entry


def cacheable_host(request):
    """Whether ALLOWED_HOSTS names the request's host; "*" names none.

    With "*", or with DEBUG's implicit local names, any Host gets through, and each
    one would fill the cache with its own copy of every page.
    """
    domain, _port = split_domain_port(request.get_host())
    return validate_host(domain, [host for host in settings.ALLOWED_HOSTS if host != "*"])


def cached_public_page(view):
    """Serve a public page from the cache, answering conditional GETs with 304."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if (
            request.method not in ("GET", "HEAD")
            or not cacheable_host(request)
            or not getattr(settings, "NEWSROOM_PAGE_CACHE", True)
        ):
            return view(request, *args, **kwargs)
        state, key, entry = state_and_page(request)
        if entry is None:
            token = building_under.set(state)
            try:
                response = view(request, *args, **kwargs)
                if hasattr(response, "render") and callable(response.render):
                    response = response.render()
            finally:
                building_under.reset(token)
            if response.status_code != 200 or response.streaming:
                return response
            entry = {
                "version": state["version"],
                "content": response.content,
                "status": response.status_code,
                "headers": {h: response[h] for h in KEPT_HEADERS if response.has_header(h)},
                "etag": quote_etag(hashlib.sha256(response.content).hexdigest()[:32]),
                "last_modified": state["changed_at"].timestamp(),
            }
            guard.call("set", key, entry, page_timeout())
        response = HttpResponse(entry["content"], status=entry["status"])
        for header, value in entry["headers"].items():
            response[header] = value
        response["ETag"] = entry["etag"]
        response["Last-Modified"] = http_date(entry["last_modified"])
        patch_cache_control(response, public=True, max_age=BROWSER_MAX_AGE)
        return get_conditional_response(
            request,
            etag=entry["etag"],
            last_modified=int(entry["last_modified"]),
            response=response,
        )

    return wrapper
