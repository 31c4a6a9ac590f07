"""Release cards, each rendered once per content version and language.

Every list of releases (home, news list, archives, topics, organisations,
people, documents) shows the same card for a release, so a card is rendered
once after each public change and reused by every list until the next: a page
of twenty cards that were all rendered before costs one query for the page's
keys and one read of the cache, not the rows, three prefetches and twenty
renderings. A search result's card marks the words searched for, so it is kept
under those words as well.
"""

import hashlib
import json

from django import template
from django.db.models import QuerySet
from django.template.loader import get_template
from django.utils import translation
from django.utils.safestring import mark_safe

from newsroom.site.cache import many_for_content_version
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
    variant = translation.get_language()
    if terms:
        words = json.dumps(terms, ensure_ascii=False).encode()
        variant += ":search:" + hashlib.sha256(words).hexdigest()
    if isinstance(releases, QuerySet) and releases._result_cache is None:
        keys = list(releases.values_list("pk", flat=True))
        loaded = None
    else:
        releases = list(releases)
        if not all(release.is_public() for release in releases):
            return mark_safe("\n".join(_render(release, terms) for release in releases))
        keys = [release.pk for release in releases]
        loaded = {release.pk: release for release in releases}

    def name(pk):
        return f"card:{variant}:{pk}"

    def render_missing(names):
        wanted = [int(name.rsplit(":", 1)[1]) for name in names]
        if loaded is not None:
            found = loaded
        else:
            # What a card shows: the release's own fields and its organisations.
            rows = releases.model._default_manager.prefetch_related("organisations")
            found = rows.in_bulk(wanted)
        return {name(pk): _render(found[pk], terms) for pk in wanted}

    cards = many_for_content_version([name(pk) for pk in keys], render_missing)
    return mark_safe("\n".join(cards[name(pk)] for pk in keys))
