"""sitemap.xml: public releases and the pages about organisations, people, documents, topics.

One sitemap for every language. A release is listed once, at its canonical
address (under its own language's prefix), with ``hreflang`` alternates naming
its public versions, itself included, when it has more than one. Every other
page is listed under each language's prefix, with the other languages' as its
alternates and the English address as ``x-default``.
"""

import datetime
from collections import defaultdict
from html import escape

from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.db.models import Count
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.safestring import SafeString

from newsroom.addresses import address
from newsroom.models import Document, Organisation, Person, PressRelease
from newsroom.models.statements import Statement

from .cache import for_content_version

# Django's template of a sitemap file, its entries written by ``url_entries``.
TEMPLATE = "newsroom/sitemap.xml"


def day_written(value, zone=None):
    """``value|date:"Y-m-d"`` as the sitemap template wrote it: a moment in the current
    time zone (or ``zone``), a date as it is."""
    if value is None:
        return None
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        # ``timezone.localtime`` asks which zone is current each time; a file of fifty
        # thousand addresses asks it once.
        value = value.astimezone(zone or timezone.get_current_timezone())
    return f"{value.year:04d}-{value.month:02d}-{value.day:02d}"


def url_entries(urlset):
    """The ``<url>`` elements of ``urlset``, the text Django's own ``sitemap.xml`` writes.

    A file of every public address holds a thousand entries and more; the template's
    loop took most of its time, and it is rebuilt after every publication. Each value
    is escaped as the template's autoescaping does (``django.utils.html.escape`` is
    ``html.escape``).
    """
    return SafeString("".join(map(url_entry, urlset)))


def url_entry(url):
    text = [f"<url><loc>{escape(url['location'])}</loc>"]
    if day := url["lastmod_day"]:
        text.append(f"<lastmod>{escape(day)}</lastmod>")
    if changefreq := url["changefreq"]:
        text.append(f"<changefreq>{escape(changefreq)}</changefreq>")
    if priority := url["priority"]:
        text.append(f"<priority>{escape(priority)}</priority>")
    text.extend(
        f'<xhtml:link rel="alternate" hreflang="{escape(alternate["lang_code"])}"'
        f' href="{escape(alternate["location"])}"/>'
        for alternate in url["alternates"]
    )
    text.append("</url>")
    return "".join(text)


class Section(Sitemap):
    """A section of the sitemap, each address with its day of last change written."""

    @property
    def paginator(self):
        # The index asks each section for its number of pages, and a section's file
        # checks the page asked for: each would count the section again.
        pages = super().paginator
        pages.count = section_sizes()[type(self).__name__]
        return pages

    def get_urls(self, page=1, site=None, protocol=None):
        urls = super().get_urls(page=page, site=site, protocol=protocol)
        zone = timezone.get_current_timezone()
        for url in urls:
            url["lastmod_day"] = day_written(url["lastmod"], zone)
        return urls


class ReleaseSitemap(Section):
    changefreq = "never"
    priority = 0.8

    def items(self):
        # Rows, not releases: a file names every public release, and making each a
        # model instance took longer than writing its entry.
        return (
            PressRelease.objects.public()
            .order_by("-publish_at", "-pk")
            .annotate(lastmod=Greatest("updated_at", "publish_at"))
            .values_list("slug", "language", "translation_group", "lastmod", named=True)
        )

    def location(self, item):
        return PressRelease.canonical_url_of(item.language, item.slug)

    def lastmod(self, item):
        return item.lastmod

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
    for row in (
        public.filter(translation_group__in=translated)
        .order_by("language")
        .values_list("slug", "language", "translation_group", named=True)
    ):
        versions[row.translation_group].append(
            (row.language, PressRelease.canonical_url_of(row.language, row.slug))
        )
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
        return address(item)

    @cached_property
    def latest_publish_at(self):
        return (
            PressRelease.objects.public()
            .order_by("-publish_at")
            .values_list("publish_at", flat=True)
            .first()
        )

    def lastmod(self, item):
        return self.latest_publish_at


def public_records_of(model):
    """A statement of ``model``'s public records in the order of their keys, by its
    generic plan: PostgreSQL took ten times as long to plan the query of public
    organisations as to run it."""
    return Statement(
        lambda now: model.objects.public(now=now).order_by("pk"),
        now=PressRelease._meta.get_field("publish_at"),
        generic=True,
    )


class ModelSitemap(InEveryLanguage):
    changefreq = "weekly"
    priority = 0.4
    public_records = None

    def items(self):
        return self.public_records.rows(now=timezone.now())


class OrganisationSitemap(ModelSitemap):
    public_records = public_records_of(Organisation)


class PersonSitemap(ModelSitemap):
    public_records = public_records_of(Person)


class DocumentSitemap(ModelSitemap):
    public_records = public_records_of(Document)


class TopicSitemap(InEveryLanguage):
    changefreq = "daily"
    priority = 0.4

    def items(self):
        return PressRelease.objects.public().topics().order_by("slug")

    def location(self, item):
        return address("newsroom:topic_detail", slug=item.slug)


SITEMAPS = {
    "pages": SectionSitemap,
    "releases": ReleaseSitemap,
    "topics": TopicSitemap,
    "organisations": OrganisationSitemap,
    "people": PersonSitemap,
    "documents": DocumentSitemap,
}


def section_sizes():
    """The number of addresses in each section of the sitemap, by its class's name, as
    Django's ``Sitemap`` counts them; shared by every request under one content
    version: counting them costs a query each."""
    return for_content_version(
        "sitemap-sizes",
        lambda: {
            section.__name__: Sitemap.paginator.fget(section()).count
            for section in SITEMAPS.values()
        },
    )


def sitemap(request):
    """One sitemap while it fits in a file, a sitemap index once it no longer does."""
    if sum(section_sizes().values()) > Sitemap.limit:
        return sitemap_views.index(request, SITEMAPS, sitemap_url_name="sitemap_section")
    return sitemap_views.sitemap(request, SITEMAPS, template_name=TEMPLATE)


def sitemap_section(request, section):
    return sitemap_views.sitemap(request, SITEMAPS, section=section, template_name=TEMPLATE)
