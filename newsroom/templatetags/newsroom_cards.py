"""Release cards, each rendered once per version of its release and language.

Every list of releases (home, news list, archives, topics, organisations,
people, documents) shows the same card for a release, so a card is rendered
once and reused by every list: a page of twenty cards that were all rendered
before costs one query for the page's keys and one read of the cache, not the
rows, three prefetches and twenty renderings. A card shows its release's own
fields and the organisations it names, so it is kept under the version of the
release's row until a reference record changes: publishing or editing one
release renders that release's card again, not every card of every list. A
search result's card marks the words searched for, so it is kept under those
words as well.
"""

import hashlib
import json

from django import template
from django.db.models import QuerySet
from django.template.loader import get_template
from django.utils import translation
from django.utils.safestring import mark_safe

from newsroom.models import PressRelease
from newsroom.site.fragments import per_release
from newsroom.site.search import highlight

register = template.Library()

CARD_TEMPLATE = "includes/release_card.html"


def _render(release, terms):
    if terms:
        release.snippet = highlight(f"{release.lead} {release.body}", terms)
        release.title_highlighted = highlight(release.title, terms, length=500)
    return get_template(CARD_TEMPLATE).render({"release": release})


@register.simple_tag
def release_cards(releases, terms=None):
    """The cards of ``releases`` in their order, "" when there are none, with ``terms``
    (a search's words) marked in them.

    ``releases`` is a list of public releases, or a queryset of them not yet read:
    then only the releases whose card is not kept are read.
    """
    terms = list(terms or [])
    if not isinstance(releases, QuerySet) or releases._result_cache is not None:
        releases = list(releases)
        if not all(release.is_public() for release in releases):
            return mark_safe("\n".join(_render(release, terms) for release in releases))
    variant = translation.get_language()
    if terms:
        words = json.dumps(terms, ensure_ascii=False).encode()
        variant += ":search:" + hashlib.sha256(words).hexdigest()
    cards = per_release(
        releases,
        f"card:{variant}",
        make=lambda rows: {release.pk: _render(release, terms) for release in rows},
        # What a card shows: the release's own fields and its organisations.
        load=PressRelease.objects.prefetch_related("organisations").in_bulk,
        own_row=True,
    )
    return mark_safe("\n".join(cards))
