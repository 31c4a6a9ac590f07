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


def made_now(count):
    """A count made now by ``count()``, whole: its parts are learnt when it is first
    brought up to date, so a list or a search nobody reads after a change costs no more
    than its count."""
    started = timezone.now()
    return {"count": count(), "parts": None, "since": started, "at": started}


def counted_by_part(count_parts):
    """A count made now part by part: ``count_parts(None)`` gives ``{part: count}`` for
    every part."""
    started = timezone.now()
    parts = count_parts(None)
    return {"count": sum(parts.values()), "parts": parts, "since": started, "at": started}


def brought_up_to_date(last, count_parts):
    """``last``, a count made by ``made_now`` (or brought up to date since), with the
    parts of the releases changed since counted again. ``count_parts(parts)`` gives
    ``{part: count}`` for each of ``parts``, and for every part when ``parts`` is None."""
    started = timezone.now()
    if last["parts"] is None or started - last["at"] > FULL_COUNT_EVERY:
        return counted_by_part(count_parts)
    changed = list(
        PressRelease.objects.changed_since(last["since"] - CHANGES_MARGIN)
        .annotate(group_part=GROUP_PART)
        .order_by()
        .values_list("group_part", flat=True)
        .distinct()[: MAX_PARTS_COUNTED_AGAIN + 1]
    )
    if len(changed) > MAX_PARTS_COUNTED_AGAIN:
        return counted_by_part(count_parts)
    parts = {**last["parts"], **count_parts(changed)}
    return {"count": sum(parts.values()), "parts": parts, "since": started, "at": last["at"]}


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
