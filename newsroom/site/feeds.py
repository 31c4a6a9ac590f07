"""RSS 2.0 and Atom feeds of public releases: all, per topic and per organisation.

Titles, leads, topics and names are plain text. Atom says so (its titles are
text, the lead is a ``<summary type="text">``); RSS has no way to, and feed
readers take its titles for HTML, so there they are HTML-escaped: a title that
reads "<script>" shows as those characters, never as markup. The full text is
HTML: the sanitised body, with the lead and correction note escaped into it.

The press office is the author of every feed and entry, named in the
request's language: Atom's ``<author>``, and RSS's ``<dc:creator>`` on each
item, since RSS's own ``<author>`` must be an e-mail address.

A feed under a language's prefix is in that language: its interface words,
and each release once, in that language where it has a public version in it,
otherwise as first written (``PressRelease.objects.in_language``). Atom
entries carry ``xml:lang`` and link their other public versions.

Everything is normalised again on the way out (``newsroom.text``): the models
store it so, but a row written past ``save()`` must not make a feed fail.
"""

from urllib.parse import urljoin

from django.contrib.syndication.views import Feed
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.html import escape
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from newsroom.models import Organisation, PressRelease
from newsroom.text import normalise_html, normalise_text

from .api import translations_of

FEED_SIZE = 30


class AtomWithContent(Atom1Feed):
    """Atom with the full text in <content> and the lead, as plain text, in <summary>.

    Each entry says its language (``xml:lang``) and links its public versions
    in the other languages (``rel="alternate"`` with ``hreflang``).
    """

    def item_attributes(self, item):
        return {"xml:lang": item["language"]}

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        for language, path in item["translations"]:
            handler.addQuickElement(
                "link",
                "",
                {
                    "rel": "alternate",
                    "type": "text/html",
                    "hreflang": language,
                    "href": urljoin(self.feed["link"], path),
                },
            )
        if item["lead"]:
            handler.addQuickElement("summary", item["lead"], {"type": "text"})
        handler.addQuickElement("content", item["content"], {"type": "html"})


class ReleaseFeed(Feed):
    """All public releases, newest first, with their full text and correction notes."""

    feed_type = Rss201rev2Feed
    title = _("Press office: latest news")
    description = _("Press releases, news, statements and announcements of the press office.")
    url_name = "newsroom:feed_rss"

    def link(self, obj=None):
        return reverse("newsroom:news_list")

    def author_name(self, obj=None):
        return str(_("Press office"))

    def item_author_name(self, item):
        return self.author_name()

    def feed_url(self, obj=None):
        return reverse(self.url_name, kwargs=self.url_kwargs(obj))

    def url_kwargs(self, obj):
        return {}

    def releases(self, obj):
        return PressRelease.objects.public()

    def items(self, obj=None):
        listed = self.releases(obj).in_language(get_language())
        # An entry names its topics and nothing else linked; as a list, not a manager, so
        # the prefetch builds no queryset per entry.
        topics = Prefetch("tags", to_attr="feed_topics")
        items = list(listed.prefetch_related(topics)[:FEED_SIZE])
        translations = translations_of(items)
        for item in items:
            item.public_translations = translations[item.pk]
        return items

    def plain_text(self, value):
        """``value`` as this feed's titles carry plain text."""
        value = normalise_text(str(value))
        return value if self.feed_type is AtomWithContent else escape(value)

    def item_title(self, item):
        return self.plain_text(item.title)

    def item_link(self, item):
        return item.get_canonical_url()

    def item_description(self, item):
        # Atom's summary is written by AtomWithContent, as text.
        return None if self.feed_type is AtomWithContent else self.item_content(item)

    def item_content(self, item):
        # RSS asks for it as the description and Atom as the content: rendered once.
        if not hasattr(item, "feed_content"):
            item.feed_content = self.render_content(item)
        return item.feed_content

    def render_content(self, item):
        return render_to_string(
            "newsroom/feed_item.html",
            {
                "release": item,
                "correction_note": normalise_text(item.correction_note),
                "lead": normalise_text(item.lead),
                "dateline": normalise_text(item.dateline),
                "body": normalise_html(item.body),
            },
        )

    def item_extra_kwargs(self, item):
        return {
            "content": self.item_content(item),
            "lead": normalise_text(item.lead),
            "language": item.language,
            "translations": [
                (other.language, other.get_canonical_url())
                for other in sorted(item.public_translations, key=lambda other: other.language)
            ],
        }

    def item_pubdate(self, item):
        return item.publish_at

    def item_updateddate(self, item):
        return max(item.updated_at, item.publish_at)

    def item_categories(self, item):
        return [normalise_text(tag.local_name) for tag in item.feed_topics]


class AtomReleaseFeed(ReleaseFeed):
    feed_type = AtomWithContent
    subtitle = ReleaseFeed.description
    url_name = "newsroom:feed_atom"


class ScopedFeed(ReleaseFeed):
    """The releases of one topic or one organisation, the feed's object."""

    # The release field that points at the object.
    release_field = None

    def title(self, obj):
        return self.plain_text(_("Press office: %(name)s") % {"name": obj.local_name})

    def url_kwargs(self, obj):
        return {"slug": obj.slug}

    def releases(self, obj):
        return PressRelease.objects.public().filter(**{self.release_field: obj})


class TopicFeed(ScopedFeed):
    url_name = "newsroom:topic_feed_rss"
    release_field = "tags"

    def get_object(self, request, slug):
        return get_object_or_404(PressRelease.objects.public().topics(), slug=slug)

    def link(self, obj):
        return reverse("newsroom:topic_detail", kwargs={"slug": obj.slug})


class AtomTopicFeed(TopicFeed):
    feed_type = AtomWithContent
    subtitle = ReleaseFeed.description
    url_name = "newsroom:topic_feed_atom"


class OrganisationFeed(ScopedFeed):
    url_name = "newsroom:organisation_feed_rss"
    release_field = "organisations"

    def get_object(self, request, slug):
        return get_object_or_404(Organisation.objects.public(), slug=slug)

    def link(self, obj):
        return obj.get_absolute_url()


class AtomOrganisationFeed(OrganisationFeed):
    feed_type = AtomWithContent
    subtitle = ReleaseFeed.description
    url_name = "newsroom:organisation_feed_atom"
