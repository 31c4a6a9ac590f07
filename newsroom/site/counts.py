"""Counts of public releases kept part by part, brought up to date after a change.

Counting a list of 30,000 releases (a topic's, a common word's matches) takes a
hundred milliseconds at 100,000 releases, and a public change renews the content
version every count is kept under. A count kept part by part (``GROUP_PART``, the
first byte of a release's translation group) is brought up to date instead: only
the parts of the releases changed since it was made are counted again, a few
milliseconds. Whether a release counts depends on its own row and links, and every
write of a release sets its ``updated_at`` (a scheduled one's is its publication
time), so the releases changed since are those updated or published since, less
``CHANGES_MARGIN``; no other part can have changed.

A count is first made whole, and counted part by part when first brought up to
date. All its parts are counted again every ``FULL_COUNT_EVERY`` and when releases
of more than ``MAX_PARTS_COUNTED_AGAIN`` parts changed; it is made whole again
after a change of a record (which may move links without writing a release) or one
that named nothing (``for_content_version``'s ``by_links``).
"""

import datetime

from django.utils import timezone

from newsroom.models import PressRelease
from newsroom.models.releases import GROUP_PART

from .cache import CHANGES_MARGIN, for_content_version

# A count brought up to date after changes is made anew this often, so that a change
# ``CHANGES_MARGIN`` missed (a longer transaction, clocks farther apart) lasts no longer.
FULL_COUNT_EVERY = datetime.timedelta(minutes=10)
# When releases of more parts than this changed, counting every part costs little more.
MAX_PARTS_COUNTED_AGAIN = 64
# A count remembers the releases written within ``CHANGES_MARGIN`` before it, up to this
# many; past them every part is counted again.
MAX_RECENT_RELEASES = 1000
# A list is made when its page begins, and counted a moment later: a release that came
# due this long before a count may be missing from it, so it is counted again.
DUE_SLACK = datetime.timedelta(seconds=10)


def made_now(count):
    """A count made now by ``count()``, whole: its parts are learnt when it is first
    brought up to date, so a list or a search nobody reads after a change costs no more
    than its count."""
    started = timezone.now()
    return {"count": count(), "parts": None, "since": started, "at": started, "seen": {}}


def counted_by_part(count_parts):
    """A count made now part by part: ``count_parts(None)`` gives ``{part: count}`` for
    every part."""
    started = timezone.now()
    # Read before the count, which therefore holds each of these rows as read or newer.
    recent = recent_releases(started)
    parts = count_parts(None)
    return {
        "count": sum(parts.values()),
        "parts": parts,
        "since": started,
        "at": started,
        "seen": seen(recent or []),
    }


def brought_up_to_date(last, count_parts):
    """``last``, a count made by ``made_now`` (or brought up to date since), with the
    parts of the releases changed since counted again. ``count_parts(parts)`` gives
    ``{part: count}`` for each of ``parts``, and for every part when ``parts`` is None.

    The releases written within ``CHANGES_MARGIN`` before the last count are looked at
    again, as a transaction open then may have committed since; those it saw as they
    are now (the same ``updated_at``, and not come due since, give or take
    ``DUE_SLACK``) are not counted again.
    """
    started = timezone.now()
    if last["parts"] is None or started - last["at"] > FULL_COUNT_EVERY:
        return counted_by_part(count_parts)
    recent = recent_releases(last["since"])
    if recent is None:
        return counted_by_part(count_parts)
    due_from = last["since"] - DUE_SLACK
    changed = {
        part
        for pk, part, updated_at, publish_at in recent
        if last["seen"].get(pk) != (updated_at, publish_at)
        or (publish_at is not None and due_from < publish_at <= started)
    }
    if len(changed) > MAX_PARTS_COUNTED_AGAIN:
        return counted_by_part(count_parts)
    parts = {**last["parts"], **count_parts(sorted(changed))}
    return {
        "count": sum(parts.values()),
        "parts": parts,
        "since": started,
        "at": last["at"],
        "seen": seen(recent),
    }


def recent_releases(moment):
    """``(pk, part, updated_at, publish_at)`` of every release written or due within
    ``CHANGES_MARGIN`` before ``moment`` or since, in any state; None when there are more
    than ``MAX_RECENT_RELEASES``."""
    rows = list(
        PressRelease.objects.changed_since(moment - CHANGES_MARGIN)
        .annotate(group_part=GROUP_PART)
        .order_by()
        .values_list("pk", "group_part", "updated_at", "publish_at")[: MAX_RECENT_RELEASES + 1]
    )
    return None if len(rows) > MAX_RECENT_RELEASES else rows


def seen(recent):
    """What a count saw of the ``recent_releases`` read before it."""
    return {pk: (updated_at, publish_at) for pk, _, updated_at, publish_at in recent}


def kept_count(name, count, count_parts):
    """``count()``, kept per content version under ``name`` and brought up to date after
    a change by ``count_parts`` rather than made again."""
    kept = for_content_version(
        name,
        lambda: made_now(count),
        renew=lambda last: brought_up_to_date(last, count_parts),
        by_links=True,
    )
    return kept["count"]
