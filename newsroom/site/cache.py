"""Whole-page caching of the public site with conditional GET.

Every cached page is stored under a key made of the language and the full
URL with its scheme and host, and carries the *content version* it was built
under; a page of another version is not served. ``PageCacheMiddleware`` serves
the pages before the session, the language and the user are read, and keeps
those of the views wrapped in ``cached_public_page``. Pages carry absolute
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

With Redis, each process also keeps a copy of the version state and of the
pages it served last (``LocalCopy``), so a hit costs no round trip at all.
Every change of the state is announced on a Redis channel, and a thread in
each process listens and drops its copy the moment one arrives; the copy is
used only while that subscription is known to be live, so a process that
cannot hear of changes asks the cache every time, as without it.

A cache that fails (Redis down or unreachable) never fails a page or a save:
pages are built uncached, ``CacheGuard`` stops asking the cache for a few
seconds so a dead cache costs one socket timeout rather than one per call,
logs once a minute, and a renewal it could not deliver is delivered as soon as
the cache answers again. Pages also expire after ``NEWSROOM_PAGE_TIMEOUT``, so
even a renewal lost with a process that died is bounded.
"""

import contextlib
import contextvars
import datetime
import functools
import hashlib
import logging
import os
import threading
import time
import uuid
from collections import OrderedDict
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.http.request import split_domain_port, validate_host
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response
from django.utils.http import http_date, quote_etag

from newsroom.editorial.signals import embargo_changed, public_content_changed
from newsroom.models import PressRelease
from newsroom.renditions import renditions_made

STATE_KEY = "newsroom:public:state"
# Values carried from one content version to the next are kept under the lineage
# this names (``for_content_version``'s ``renew``).
LINEAGE_KEY = "newsroom:public:lineage"
# Values made from one release's row and the reference records it names (a release's
# card) are kept under the generation this names, which a change of a record ends: a
# change that names a release leaves the other releases' values as they were.
RECORDS_KEY = "newsroom:public:records"
# How long before a carried value was made its renewal looks for releases changed since:
# a release's ``updated_at`` is taken before its transaction commits, on its own
# server's clock.
CHANGES_MARGIN = datetime.timedelta(minutes=1)
# Where every change of the state is announced to the processes keeping a copy of it.
CHANGES_CHANNEL = "newsroom:public:changes"
# Pages kept by a shared cache; a renewal lost in a cache outage lasts no longer.
PAGE_TIMEOUT = 60 * 60
# A cache inside one process never hears of a change saved through another
# worker process, so there pages are kept only briefly.
PROCESS_LOCAL_PAGE_TIMEOUT = 60
# Browsers and proxies revalidate every time; the ETag makes that cheap.
BROWSER_MAX_AGE = 0
# Headers a cached page does not keep from the page built: written anew from the entry,
# since a page is revalidated every time (``CACHE_CONTROL``).
UNKEPT_HEADERS = {"etag", "last-modified", "cache-control", "expires"}
# What ``patch_cache_control(response, public=True, max_age=BROWSER_MAX_AGE)`` writes.
CACHE_CONTROL = f"public, max-age={BROWSER_MAX_AGE}"


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
        """``cache.<method>(*args)``, or ``method(*args)`` when given a function."""
        now = time.monotonic()
        if now < self.down_until:
            self.renewal_missed = self.renewal_missed or method == "delete"
            return default
        try:
            if self.renewal_missed:
                # A change readers can see was announced while the cache was away:
                # which one is not known, so nothing is carried across it either.
                cache.delete_many([STATE_KEY, LINEAGE_KEY, RECORDS_KEY])
                _publish_change()
                self.renewal_missed = False
            return (method if callable(method) else getattr(cache, method))(*args)
        except CACHE_ERRORS as error:
            self.down_until = now + self.retry_seconds
            self.renewal_missed = self.renewal_missed or method == "delete"
            if now - self.logged_at >= self.log_interval:
                self.logged_at = now
                logger.warning("The page cache is unreachable; pages are built uncached: %s", error)
            return default

    def healthy(self):
        return time.monotonic() >= self.down_until and not self.renewal_missed


guard = CacheGuard()


def _redis_client():
    """The Redis client behind the default cache; ``None`` for any other backend."""
    backend = getattr(cache, "_cache", None)
    get_client = getattr(backend, "get_client", None)
    return get_client(write=True) if get_client is not None else None


def _changes_channel(client):
    # Channels are shared by every database of a server: the cache's prefix and database
    # number keep sites that share a server apart.
    database = client.connection_pool.connection_kwargs.get("db", 0)
    return f"{cache.make_key(CHANGES_CHANNEL)}:{database}"


def _publish_change():
    """Tell every process keeping a copy of the state that it changed."""
    local_copy.forget()
    if (client := _redis_client()) is not None:
        client.publish(_changes_channel(client), local_copy.token)


class LocalCopy:
    """The version state, the pages served last and the fragments pages share
    (``for_content_version``), kept in this process between two changes.

    A thread subscribes to ``CHANGES_CHANNEL`` and empties the copy whenever a
    message arrives, and when the subscription drops; it pings the server every
    ``ping_seconds`` and counts the subscription as lost when no answer came
    within ``silence_seconds``. Only a copy made while the subscription was
    live, and with no change heard since the read began (``epoch``), is kept.
    Pages are kept up to ``NEWSROOM_LOCAL_PAGE_BYTES`` (least recently served
    go first); 0 turns the copy off.
    """

    ping_seconds = 1.0
    silence_seconds = 3.0
    # Fragments are of no known size (a count, a card, a list of ids, a release page's own
    # part with its text): kept by number. A thousand release pages' parts come to tens of MB.
    fragments_kept = 1000

    def __init__(self):
        self.lock = threading.Lock()
        self.process = None
        # What this process's announcements carry, so that it does not hear its own.
        self.token = uuid.uuid4().hex.encode()
        self.source = None
        # Each start of the listening thread; a thread of an earlier one only stops.
        self.generation = 0
        self.live = False
        self.epoch = 0
        self.state = None
        self.pages = OrderedDict()
        self.page_bytes = 0
        self.kept_fragments = OrderedDict()

    @staticmethod
    def budget():
        return settings.NEWSROOM_LOCAL_PAGE_BYTES

    def ready(self):
        """Whether the copy may be used now: listening, and the cache healthy."""
        if not self.budget() or not guard.healthy():
            return False
        source = settings.CACHES["default"].get("LOCATION")
        if self.process != os.getpid() or self.source != source:
            # After a fork the parent's thread is not here; after a change of cache the
            # thread listens to the wrong server.
            self.start(source)
        return self.live

    def start(self, source):
        with self.lock:
            if self.process != os.getpid():
                self.token = uuid.uuid4().hex.encode()
            self.process, self.source = os.getpid(), source
            self.generation += 1
            self.live = False
            self._empty()
            generation = self.generation
        if _redis_client() is not None:
            threading.Thread(
                target=self._listen, args=(generation,), daemon=True, name="newsroom-changes"
            ).start()

    def current(self, generation):
        return generation == self.generation and self.process == os.getpid()

    def _listen(self, generation):
        while self.current(generation):
            with contextlib.suppress(*CACHE_ERRORS):
                self._follow(generation)
            self.forget(live=False, generation=generation)
            time.sleep(guard.retry_seconds)

    def _follow(self, generation):
        client = _redis_client()
        if client is None:
            return
        pubsub = client.pubsub()
        try:
            pubsub.subscribe(_changes_channel(client))
            answered = time.monotonic()
            while self.current(generation):
                message = pubsub.get_message(timeout=self.ping_seconds)
                now = time.monotonic()
                if message is None:
                    if now - answered > self.silence_seconds:
                        return
                    pubsub.ping()
                    continue
                answered = now
                if message["type"] == "subscribe":
                    self.forget(live=True, generation=generation)
                elif message["type"] == "message" and message["data"] != self.token:
                    # This process emptied its copy when it announced the change.
                    self.forget()
        finally:
            pubsub.close()

    def forget(self, live=None, generation=None):
        """Drop the copy; a listening thread also says whether it hears changes now."""
        with self.lock:
            self.epoch += 1
            if live is not None and generation == self.generation:
                self.live = live
            self._empty()

    def _empty(self):
        self.state = None
        self.pages.clear()
        self.page_bytes = 0
        self.kept_fragments.clear()

    def _unchanged_since(self, epoch):
        """Whether what was read since ``epoch`` may be kept: no change was heard since,
        the subscription is live and the cache healthy. Called with the lock held."""
        return self.live and epoch == self.epoch and guard.healthy()

    def fragments(self, version, keys):
        """``{name: value}`` of the fragments ``keys`` names that are kept here."""
        if not self.ready():
            return {}
        with self.lock:
            if self.state is None or self.state["version"] != version:
                return {}
            found = {}
            for name, key in keys.items():
                if key in self.kept_fragments:
                    self.kept_fragments.move_to_end(key)
                    found[name] = self.kept_fragments[key]
            return found

    def keep_fragments(self, epoch, version, values):
        """Keep fragments of ``version`` read since ``epoch``, if nothing changed meanwhile."""
        with self.lock:
            if not self._unchanged_since(epoch):
                return
            if self.state is None or self.state["version"] != version:
                return
            self.kept_fragments.update(values)
            while len(self.kept_fragments) > self.fragments_kept:
                self.kept_fragments.popitem(last=False)

    def read(self, key):
        """The state and the page under ``key`` kept here: ``(None, None)`` when not kept."""
        with self.lock:
            entry = self.pages.get(key)
            if entry is not None:
                self.pages.move_to_end(key)
            return self.state, entry

    def keep(self, epoch, state, key=None, entry=None):
        """Keep ``state`` (and the page) read since ``epoch``, if nothing changed meanwhile."""
        with self.lock:
            if not self._unchanged_since(epoch):
                return
            if self.state is not None and self.state["version"] != state["version"]:
                self._empty()
            self.state = state
            if entry is None or entry.get("version") != state["version"]:
                return
            size = len(entry["content"])
            if size > self.budget() // 8:
                return
            if (old := self.pages.pop(key, None)) is not None:
                self.page_bytes -= len(old["content"])
            self.pages[key] = entry
            self.page_bytes += size
            while self.page_bytes > self.budget():
                _, dropped = self.pages.popitem(last=False)
                self.page_bytes -= len(dropped["content"])


local_copy = LocalCopy()

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
    version = uuid.uuid4().hex
    return {
        "version": version,
        "changed_at": now,
        "next_due": _next_due(now),
        # Without a cache that answers, nothing outlives the version.
        "records": _generation(RECORDS_KEY) or version,
    }


def _generation(key):
    """The token kept under ``key``, made when there is none; None when the cache does
    not answer."""
    token = guard.call("get", key)
    if token is None:
        # Two processes starting one at once agree on the first one stored.
        guard.call("add", key, uuid.uuid4().hex, None)
        token = guard.call("get", key)
    return token


def _due(state, now):
    return state["next_due"] is not None and state["next_due"] <= now


def _current(state, now):
    """``state`` as read from the cache, or a new one when there is none or it is due."""
    if state is None or _due(state, now):
        state = _new_state(now)
        guard.call("set", STATE_KEY, state, page_timeout())
        guard.call(_publish_change)
    return state


def public_state(now=None):
    """The current content version; renewed when the next scheduled release is due."""
    if (state := building_under.get()) is not None:
        return state
    now = now or timezone.now()
    if local_copy.ready():
        state, _ = local_copy.read(None)
        if state is not None and not _due(state, now):
            return state
    epoch = local_copy.epoch
    state = _current(guard.call("get", STATE_KEY), now)
    local_copy.keep(epoch, state)
    return state


def for_content_version(name, compute, *, renew=None, by_links=False):
    """``compute()``, computed once per content version and shared by every page.

    For what many pages show and no single page owns (the list's facets, counts
    of releases): a page built after a renewal computes it, the pages built
    after it under the same version reuse it. ``name`` must say everything the
    value depends on besides the public content (a filter, the language). The
    value may be shared with other requests of the process: read it, never
    change it.

    With ``renew``, a new version's value is ``renew(last)``, made from the last
    value computed under an earlier version, for a value that can be brought up
    to date for less than computing it (``renew`` may still call ``compute``).
    There is no ``last`` after a change that named no release or record
    (``carried_key``): then what changed is not known, and ``compute()`` runs.
    ``by_links`` says the value depends on releases' links to reference records,
    which a change of a record may move without writing a release (a topic
    deleted): then there is no ``last`` after a change of a record either.
    """
    if renew is None:
        return many_for_content_version([name], lambda missing: {name: compute()})[name]

    def make(missing):
        key = carried_key(name, by_links=by_links)
        last = guard.call("get", key) if key is not None else None
        value = compute() if last is None else renew(last)
        if key is not None:
            guard.call("set", key, value, page_timeout())
        return {name: value}

    return many_for_content_version([name], make)[name]


def carried_key(name, *, by_links=False):
    """Where the last value of ``name`` is kept across content versions, under the
    current lineage (and, ``by_links``, the records' generation); None when the cache
    does not answer."""
    lineage = _generation(LINEAGE_KEY)
    if lineage is None:
        return None
    if by_links:
        state = public_state()
        lineage += ":" + state.get("records", state["version"])
    return f"newsroom:carried:{lineage}:{name}"


def many_for_content_version(names, compute):
    """``{name: value}`` for each of ``names``, kept once per content version like
    ``for_content_version``; ``compute(missing)`` gives the values not kept yet, in one go,
    and may give others it learnt on the way, which are kept too (a name it does not give
    is left out)."""
    version = public_state()["version"]
    return _kept_under(version, version, names, compute)


def many_for_release_rows(names, compute):
    """``{name: value}`` as ``many_for_content_version`` gives, for values made from one
    release's row and the reference records it names, and from nothing else (a card, not
    a list or the release's translations); each ``name`` says the release and the
    version of its row. They are kept across changes that name a release, and made
    again after a change of a record or one that names nothing."""
    state = public_state()
    # A state stored before records had a generation keeps its values to its version.
    records = state.get("records", state["version"])
    return _kept_under(state["version"], f"records:{records}", names, compute)


def _kept_under(version, scope, names, compute):
    """The values of ``names`` kept under ``scope``, read through this process's copy
    of the content ``version``'s fragments."""

    def key(name):
        return f"newsroom:fragment:{scope}:{name}"

    epoch = local_copy.epoch
    values = local_copy.fragments(version, {name: key(name) for name in names})
    if asked := [name for name in names if name not in values]:
        found = guard.call("get_many", [key(name) for name in asked], default={})
        read = {name: found[key(name)] for name in asked if key(name) in found}
        if missing := [name for name in asked if name not in read]:
            computed = compute(missing)
            kept = {key(name): value for name, value in computed.items()}
            guard.call("set_many", kept, page_timeout())
            read.update(computed)
        local_copy.keep_fragments(
            epoch, version, {key(name): value for name, value in read.items()}
        )
        values.update({name: read[name] for name in asked if name in read})
    return values


def invalidate_public_pages(release=None, record=None, **kwargs):
    """Forget every cached public page: the next request starts a new content version.

    A change that names no release (a record's, or one that names nothing) also
    ends the generation of the values made from a release's row and the records it
    names (``many_for_release_rows``). A change that names neither the release nor
    the record it changed (a restore, releases created in bulk, some backdated) also
    ends the lineage of the values carried across versions (``for_content_version``'s
    ``renew``), which are brought up to date by what is known to have changed.
    """
    local_copy.forget()
    if release is None:
        guard.call(
            "delete_many", [RECORDS_KEY] if record is not None else [RECORDS_KEY, LINEAGE_KEY]
        )
    guard.call("delete", STATE_KEY)
    guard.call(_publish_change)


def reschedule_public_pages(**kwargs):
    """Keep the cached pages, but learn when the next scheduled release comes due."""
    local_copy.forget()
    state = guard.call("get", STATE_KEY)
    if state is not None:
        state = {**state, "next_due": _next_due(timezone.now())}
        guard.call("set", STATE_KEY, state, page_timeout())
        guard.call(_publish_change)


def renew_for_photo(original, **kwargs):
    """A photo got its renditions: pages of a public release built before showed it nowhere.

    Renditions are made in the background, often after the save that announced the
    release's change, so the page built in between is renewed now.
    """
    if PressRelease.objects.public().filter(photos__image=original).exists():
        invalidate_public_pages()


def connect():
    public_content_changed.connect(invalidate_public_pages, dispatch_uid="newsroom-page-cache")
    renditions_made.connect(renew_for_photo, dispatch_uid="newsroom-page-cache-renditions")
    embargo_changed.connect(reschedule_public_pages, dispatch_uid="newsroom-page-cache-embargo")


def page_timeout():
    backend = settings.CACHES["default"]["BACKEND"]
    if backend.endswith("LocMemCache"):
        return PROCESS_LOCAL_PAGE_TIMEOUT
    return getattr(settings, "NEWSROOM_PAGE_TIMEOUT", PAGE_TIMEOUT)


def page_language(request):
    """The language a public page at ``request``'s address is built in: its prefix's, or
    the default language's, as ``LocaleMiddleware`` decides with ``i18n_patterns`` that
    leave the default language unprefixed."""
    return translation.get_language_from_path(request.path_info) or settings.LANGUAGE_CODE


def page_key(request, host=None):
    url = f"{request.scheme}://{host or request.get_host()}{request.get_full_path()}"
    digest = hashlib.sha256(url.encode()).hexdigest()
    # "page2": what an entry holds changed; entries of the earlier kind are left to expire.
    return f"newsroom:page2:{page_language(request)}:{digest}"


def state_and_page(request, now=None, host=None):
    """The current content version and the page cached for ``request``, in one round trip.

    The page is ``None`` when none is cached or when it was built under
    another content version.
    """
    key = page_key(request, host)
    now = now or timezone.now()
    if local_copy.ready():
        state, entry = local_copy.read(key)
        if state is not None and entry is not None and not _due(state, now):
            # Kept only under the version kept with it: the copy is emptied on a change.
            return state, key, entry
    epoch = local_copy.epoch
    found = guard.call("get_many", [STATE_KEY, key], default={})
    state = _current(found.get(STATE_KEY), now)
    entry = found.get(key)
    if entry is not None and entry.get("version") != state["version"]:
        entry = None
    local_copy.keep(epoch, state, key, entry)
    return state, key, entry


def cacheable_host(host):
    """Whether ALLOWED_HOSTS names ``host`` (a request's); "*" names none.

    With "*", or with DEBUG's implicit local names, any Host gets through, and each
    one would fill the cache with its own copy of every page.
    """
    return _host_named(host, tuple(settings.ALLOWED_HOSTS))


@functools.lru_cache(maxsize=64)
def _host_named(host, allowed_hosts):
    # Asked on every page served: a site answers to a handful of hosts, and the
    # setting is part of the key, so a changed setting is asked anew.
    domain, _port = split_domain_port(host)
    return validate_host(domain, [name for name in allowed_hosts if name != "*"])


def page_entry(state, response):
    """What the cache keeps of a page built under ``state``: its body and every header
    a reader gets with it, and what answers a conditional GET."""
    etag = quote_etag(hashlib.sha256(response.content).hexdigest()[:32])
    last_modified = state["changed_at"].timestamp()
    headers = {
        name: value for name, value in response.items() if name.lower() not in UNKEPT_HEADERS
    }
    headers.update(
        {"ETag": etag, "Last-Modified": http_date(last_modified), "Cache-Control": CACHE_CONTROL}
    )
    return {
        "version": state["version"],
        "content": response.content,
        "status": response.status_code,
        "headers": headers,
        "etag": etag,
        "last_modified": int(last_modified),
    }


class PageBuild:
    """A page the cache did not have, to be built under the content version ``state``
    and kept if its view is a cached public page (``cached_public_page``)."""

    def __init__(self, state, language):
        self.state = state
        self.language = language
        self.cacheable = False


class PageCacheMiddleware:
    """Serve the public pages from the cache, answering conditional GETs with 304.

    Placed after the middleware that give every response its security headers and
    before those that read the session, the language or the user: a page served from
    the cache skips them and the resolution of its address, and is sent with the
    headers it was built with, theirs included (``page_entry``). What a page shows
    depends on its address alone (its language is its prefix's, ``page_language``),
    never on who asks, so that is all a cached page is looked up by. Only pages whose
    view is wrapped in ``cached_public_page`` are kept: a request the cache cannot
    answer is handled as usual, and kept if such a view built it.
    """

    # Paths known to lead to no cached page are not asked of the cache again: which view
    # a path resolves to does not change while the process runs.
    uncached_paths_kept = 4096

    def __init__(self, get_response):
        self.get_response = get_response
        self.uncached_paths = set()

    def __call__(self, request):
        if request.method not in ("GET", "HEAD") or not getattr(
            settings, "NEWSROOM_PAGE_CACHE", True
        ):
            return self.get_response(request)
        path = (getattr(request, "urlconf", settings.ROOT_URLCONF), request.path_info)
        if path in self.uncached_paths:
            return self.get_response(request)
        host = request.get_host()
        if not cacheable_host(host):
            return self.get_response(request)
        epoch = local_copy.epoch
        state, key, entry = state_and_page(request, host=host)
        cookies = None
        if entry is None:
            request.page_build = build = PageBuild(state, page_language(request))
            response = self.get_response(request)
            self.learn(path, request, response)
            if not build.cacheable or response.status_code != 200 or response.streaming:
                return response
            entry = page_entry(state, response)
            guard.call("set", key, entry, page_timeout())
            local_copy.keep(epoch, state, key, entry)
            cookies = response.cookies
        # A hit is served on every request: the entry holds its headers as sent.
        response = HttpResponse(entry["content"], status=entry["status"], headers=entry["headers"])
        if cookies:
            response.cookies = cookies
        return get_conditional_response(
            request, etag=entry["etag"], last_modified=entry["last_modified"], response=response
        )

    def learn(self, path, request, response):
        """Remember ``path`` when it resolved to a view that is not a cached page, or to
        none; a response made before its path was resolved (a redirect) says nothing."""
        match = getattr(request, "resolver_match", None)
        if match is not None:
            uncached = not getattr(match.func, "caches_public_page", False)
        else:
            uncached = response.status_code == 404
        if uncached:
            if len(self.uncached_paths) >= self.uncached_paths_kept:
                self.uncached_paths.clear()
            self.uncached_paths.add(path)


def cached_public_page(view):
    """Let ``PageCacheMiddleware`` keep the pages ``view`` builds: they show public
    content only, the same to every reader at the same address."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        build = getattr(request, "page_build", None)
        # A page built in another language than its address names is not kept: every
        # later reader of the address would get that language.
        if build is None or translation.get_language() != build.language:
            return view(request, *args, **kwargs)
        token = building_under.set(build.state)
        try:
            response = view(request, *args, **kwargs)
            if hasattr(response, "render") and callable(response.render):
                response = response.render()
        finally:
            building_under.reset(token)
        build.cacheable = True
        return response

    wrapper.caches_public_page = True
    return wrapper
