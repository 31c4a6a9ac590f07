"""Release cards, each rendered once per content version and language.

Every list of releases (home, news list, archives, topics, organisations,
people, documents) shows the same card for a release, so a card is rendered
once after each public change and reused by every list until the next: a page
of twenty cards that were all rendered before costs one query for the page's
keys and one read of the cache, not the rows, three prefetches and twenty
renderings. Search results carry their own highlighted title and snippet and
are rendered each time.
"""

from django import template
from django.db.models import QuerySet
from django.template.loader import get_template
from django.utils import translation
from django.utils.safestring import mark_safe

from newsroom.site.cache import many_for_content_version

register = template.Library()

CARD_TEMPLATE = "includes/release_card.html"


def _render(release):
    return get_template(CARD_TEMPLATE).render({"release": release})


def _highlighted(release):
    return getattr(release, "snippet", None) or getattr(release, "title_highlighted", None)


@register.simple_tag
def release_cards(releases):
    """The cards of ``releases`` in their order, "" when there are none: a list of public
    releases, or a queryset of them not yet read (then only the releases whose card is
    not kept are read)."""
    language = translation.get_language()
    if isinstance(releases, QuerySet) and releases._result_cache is None:
        keys = list(releases.values_list("pk", flat=True))
        loaded = None
    else:
        releases = list(releases)
        if any(_highlighted(release) or not release.is_public() for release in releases):
            return mark_safe("\n".join(_render(release) for release in releases))
        keys = [release.pk for release in releases]
        loaded = {release.pk: release for release in releases}

    def render_missing(names):
        wanted = [int(name.rsplit(":", 1)[1]) for name in names]
        if loaded is not None:
            found = loaded
        else:
            # What a card shows: the release's own fields and its organisations.
            rows = releases.model._default_manager.prefetch_related("organisations")
            found = rows.in_bulk(wanted)
        return {f"card:{language}:{pk}": _render(found[pk]) for pk in wanted}

    cards = many_for_content_version([f"card:{language}:{pk}" for pk in keys], render_missing)
    return mark_safe("\n".join(cards[f"card:{language}:{pk}"] for pk in keys))
