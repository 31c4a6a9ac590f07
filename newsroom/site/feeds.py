"""RSS 2.0 and Atom feeds of public releases: all, per topic and per organisation."""

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.translation import gettext_lazy as _

from newsroom.models import Organisation, PressRelease

FEED_SIZE = 30


class AtomWithContent(Atom1Feed):
    """Atom with the full text in <content>, the lead staying in <summary>."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        handler.addQuickElement("content", item["content"], {"type": "html"})


class ReleaseFeed(Feed):
    """All public releases, newest first, with their full text and correction notes."""

    feed_type = Rss201rev2Feed
    title = _("Press office: latest news")
    description = _("Press releases, news, statements and announcements of the press office.")
    url_name = "newsroom:feed_rss"

    def link(self, obj=None):
        return reverse("newsroom:news_list")

    def feed_url(self, obj=None):
        return reverse(self.url_name, kwargs=self.url_kwargs(obj))

    def url_kwargs(self, obj):
        return {}

    def releases(self, obj):
        return PressRelease.objects.public()

    def items(self, obj=None):
        return self.releases(obj).for_listing()[:FEED_SIZE]

    def item_title(self, item):
        return item.title

    def item_link(self, item):
        return item.get_canonical_url()

    def item_description(self, item):
        content = self.item_content(item)
        return item.lead if self.feed_type is AtomWithContent else content

    def item_content(self, item):
        return render_to_string("newsroom/feed_item.html", {"release": item})

    def item_extra_kwargs(self, item):
        return {"content": self.item_content(item)}

    def item_pubdate(self, item):
        return item.publish_at

    def item_updateddate(self, item):
        return max(item.updated_at, item.publish_at)

    def item_categories(self, item):
        return [tag.name for tag in item.tags.all()]


class AtomReleaseFeed(ReleaseFeed):
    feed_type = AtomWithContent
    subtitle = ReleaseFeed.description
    url_name = "newsroom:feed_atom"


class ScopedFeed(ReleaseFeed):
    """The releases of one topic or one organisation, the feed's object."""

    # The release field that points at the object.
    release_field = None

    def title(self, obj):
        return _("Press office: %(name)s") % {"name": obj.name}

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
