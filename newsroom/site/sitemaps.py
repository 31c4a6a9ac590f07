"""sitemap.xml: public releases and the pages about organisations, people, documents, topics.

One sitemap for every language. A release is listed once, at its canonical
address (under its own language's prefix), with ``hreflang`` alternates naming
its public versions, itself included, when it has more than one. Every other
page is listed under each language's prefix, with the other languages' as its
alternates and the English address as ``x-default``.
"""

import datetime
from collections import defaultdict

from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property

from newsroom.models import Document, Organisation, Person, PressRelease

from .cache import for_content_version

# Django's template of a sitemap file, written to render faster with the same text.
TEMPLATE = "newsroom/sitemap.xml"


def day_written(value):
    """``value|date:"Y-m-d"`` as the sitemap template wrote it: a moment in the current
    time zone, a date as it is."""
    if value is None:
        return None
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return f"{value.year:04d}-{value.month:02d}-{value.day:02d}"


class Section(Sitemap):
    """A section of the sitemap, each address with its day of last change written."""

    def get_urls(self, page=1, site=None, protocol=None):
        urls = super().get_urls(page=page, site=site, protocol=protocol)
        for url in urls:
            url["lastmod_day"] = day_written(url["lastmod"])
        return urls


class ReleaseSitemap(Section):
    changefreq = "never"
    priority = 0.8

    def items(self):
        return (
            PressRelease.objects.public()
            .only("slug", "language", "translation_group", "publish_at", "updated_at")
            .order_by("-publish_at", "-pk")
        )

    def location(self, item):
        return item.get_canonical_url()

    def lastmod(self, item):
        return max(item.updated_at, item.publish_at)

    def get_latest_lastmod(self):
        """What ``lastmod`` gives the newest release, by two indexed look-ups: the
        sitemap index asks for it, and ``Sitemap`` would read every release."""
        public = PressRelease.objects.public()
        latest = [
            public.order_by(f"-{field}").values_list(field, flat=True).first()
            for field in ("updated_at", "publish_at")
        ]
        return max(filter(None, latest), default=None)

    def get_urls(self, page=1, site=None, protocol=None):
        urls = super().get_urls(page=page, site=site, protocol=protocol)
        versions = public_versions()
        # Where Django's own ``get_urls`` put every location.
        origin = f"{self.get_protocol(protocol)}://{self.get_domain(site)}"
        for url in urls:
            others = versions.get(url["item"].translation_group, [])
            url["alternates"] = [
                {"location": f"{origin}{path}", "lang_code": language} for language, path in others
            ]
        return urls


def public_versions():
    """Translation group → (language, canonical path) of each public version, for the
    groups with more than one: only ``public()`` releases are ever named."""
    public = PressRelease.objects.public()
    translated = (
        public.values("translation_group")
        .annotate(versions=Count("pk"))
        .filter(versions__gt=1)
        .values("translation_group")
    )
    versions = defaultdict(list)
    for release in (
        public.filter(translation_group__in=translated)
        .only("slug", "language", "translation_group")
        .order_by("language")
    ):
        versions[release.translation_group].append((release.language, release.get_canonical_url()))
    return versions


class InEveryLanguage(Section):
    """A page listed under each language's prefix, each naming the others."""

    i18n = True
    alternates = True
    x_default = True


class SectionSitemap(InEveryLanguage):
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


class ModelSitemap(InEveryLanguage):
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


class TopicSitemap(InEveryLanguage):
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


def section_sizes():
    """The number of addresses in each section of the sitemap."""
    return {name: section().paginator.count for name, section in SITEMAPS.items()}


def sitemap(request):
    """One sitemap while it fits in a file, a sitemap index once it no longer does.

    The sections' sizes are shared by every request under one content version:
    counting them costs a query each.
    """
    sizes = for_content_version("sitemap-section-sizes", section_sizes)
    if sum(sizes.values()) > Sitemap.limit:
        return sitemap_views.index(request, SITEMAPS, sitemap_url_name="sitemap_section")
    return sitemap_views.sitemap(request, SITEMAPS, template_name=TEMPLATE)


def sitemap_section(request, section):
    return sitemap_views.sitemap(request, SITEMAPS, section=section, template_name=TEMPLATE)
