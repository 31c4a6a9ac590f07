"""sitemap.xml: public releases and the pages about organisations, people, documents, topics."""

from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.urls import reverse
from django.utils.functional import cached_property

from newsroom.models import Document, Organisation, Person, PressRelease


class ReleaseSitemap(Sitemap):
    changefreq = "never"
    priority = 0.8

    def items(self):
        return (
            PressRelease.objects.public()
            .only("slug", "language", "publish_at", "updated_at")
            .order_by("-publish_at", "-pk")
        )

    def location(self, item):
        return item.get_canonical_url()

    def lastmod(self, item):
        return max(item.updated_at, item.publish_at)


class SectionSitemap(Sitemap):
    changefreq = "daily"
    priority = 0.5

    def items(self):
        return [
            "newsroom:home",
            "newsroom:news_list",
            "newsroom:organisation_list",
            "newsroom:feeds",
        ]

    def location(self, item):
        return reverse(item)

    @cached_property
    def latest_publish_at(self):
        latest = PressRelease.objects.public().order_by("-publish_at").first()
        return latest.publish_at if latest else None

    def lastmod(self, item):
        return self.latest_publish_at


class ModelSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.4
    model = None

    def items(self):
        return self.model.objects.public().order_by("pk")


class OrganisationSitemap(ModelSitemap):
    model = Organisation


class PersonSitemap(ModelSitemap):
    model = Person


class DocumentSitemap(ModelSitemap):
    model = Document


class TopicSitemap(Sitemap):
    changefreq = "daily"
    priority = 0.4

    def items(self):
        return PressRelease.objects.public().topics().order_by("slug")

    def location(self, item):
        return reverse("newsroom:topic_detail", kwargs={"slug": item.slug})


SITEMAPS = {
    "pages": SectionSitemap,
    "releases": ReleaseSitemap,
    "topics": TopicSitemap,
    "organisations": OrganisationSitemap,
    "people": PersonSitemap,
    "documents": DocumentSitemap,
}


def sitemap(request):
    """One sitemap while it fits in a file, a sitemap index once it no longer does."""
    if sum(section().paginator.count for section in SITEMAPS.values()) > Sitemap.limit:
        return sitemap_views.index(request, SITEMAPS, sitemap_url_name="sitemap_section")
    return sitemap_views.sitemap(request, SITEMAPS)


def sitemap_section(request, section):
    return sitemap_views.sitemap(request, SITEMAPS, section=section)
