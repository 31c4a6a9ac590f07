"""The public site. Every view starts from ``PressRelease.objects.public()``."""

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.templatetags.static import static
from django.utils import timezone, translation
from django.utils.html import strip_tags
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.generic import DetailView, ListView, MonthArchiveView, YearArchiveView
from taggit.models import Tag

from .diagram import relation_diagram
from .models import (
    Appointment,
    Document,
    Organisation,
    OrganisationRelation,
    Participant,
    Person,
    PressRelease,
)
from .search import highlight, query_terms, search_releases

PAGE_SIZE = 20
RELATED_COUNT = 4
# Open Graph wants language_TERRITORY locales.
OG_LOCALES = {"en": "en_GB", "ru": "ru_RU", "zh-hans": "zh_CN"}


def query_param(request, name, limit=200):
    """A query-string value, trimmed and cut to ``limit``.

    PostgreSQL refuses NUL characters; they become U+FFFD, which matches nothing.
    """
    return request.GET.get(name, "").replace("\x00", "\ufffd").strip()[:limit]


def public_topics():
    """Topics carried by at least one public release; others do not exist for readers."""
    return Tag.objects.filter(pressrelease__in=PressRelease.objects.public()).distinct()


def release_url(release):
    """A release's address under its own language's prefix: its canonical URL."""
    with translation.override(release.language):
        return release.get_absolute_url()


def absolute(request, url):
    return request.build_absolute_uri(url) if request is not None else url


def json_ld(data):
    """``data`` as JSON safe to place inside a <script> element."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)
    escapes = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}
    return mark_safe(text.translate(escapes))


def news_article(release, *, request, url, translations):
    photos = list(release.photos.all())
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": release.title,
        "description": release.lead,
        "inLanguage": release.language,
        "url": url,
        "mainEntityOfPage": url,
        "dateline": release.dateline,
        "datePublished": release.publish_at,
        "dateModified": max(filter(None, [release.updated_at, release.publish_at])),
        # Search engines want an image for every article: the logo stands in for a photo.
        "image": [absolute(request, photo.image.url) for photo in photos]
        or [absolute(request, static("img/logo.svg"))],
        "publisher": {
            "@type": "Organization",
            "name": _("Press office"),
            "logo": {"@type": "ImageObject", "url": absolute(request, static("img/logo.svg"))},
        },
        "about": [
            {
                "@type": "Organization",
                "name": organisation.name,
                "url": absolute(request, organisation.get_absolute_url()),
            }
            | ({"alternateName": organisation.short_name} if organisation.short_name else {})
            for organisation in release.organisations.all()
        ],
        "keywords": [tag.name for tag in release.tags.all()],
        "workTranslation": [
            {"@type": "NewsArticle", "inLanguage": other.language, "url": absolute(request, u)}
            for other, u in translations
        ],
    }
    return json_ld({key: value for key, value in data.items() if value not in (None, "", [])})


PAGE_PREFETCHES = {"tags", "organisations", "documents", "photos", "participants"}


def with_page_prefetches(releases):
    """``for_detail()`` plus the offices that participants named without one held."""
    return releases.for_detail().prefetch_related(
        "participants__person__appointments__office__organisation"
    )


def office_held(participant, day):
    """The office shown beside a participant: the one given, or the one held on ``day``."""
    if participant.office is not None or participant.person is None or day is None:
        return participant.office
    for appointment in participant.person.appointments.all():
        if appointment.covers(day):
            return appointment.office
    return None


def adjacent_release(public, release, *, newer):
    """The public release published just after (``newer``) or just before ``release``."""
    step, order = ("gt", ("publish_at", "pk")) if newer else ("lt", ("-publish_at", "-pk"))
    return (
        public.filter(
            Q(**{f"publish_at__{step}": release.publish_at})
            | Q(publish_at=release.publish_at, **{f"pk__{step}": release.pk})
        )
        .order_by(*order)
        .first()
    )


def release_page_context(release, *, request=None, now=None):
    """Everything ``newsroom/release_detail.html`` shows about ``release``.

    The public release page and the staff preview both build their context
    here. Related releases, translations and previous/next come from
    ``public(now)`` only, whatever the state of ``release`` itself.
    """
    now = now or timezone.now()
    prefetched = getattr(release, "_prefetched_objects_cache", {})
    if not prefetched.keys() >= PAGE_PREFETCHES:
        release = with_page_prefetches(PressRelease.objects.all()).get(pk=release.pk)
    public = PressRelease.objects.public(now=now)

    organisation_ids = [organisation.pk for organisation in release.organisations.all()]
    tag_ids = [tag.pk for tag in release.tags.all()]
    related = list(
        public.filter(
            pk__in=public.filter(
                Q(organisations__in=organisation_ids) | Q(tags__in=tag_ids)
            ).values("pk")
        )
        .exclude(translation_group=release.translation_group)
        .order_by("-publish_at", "-pk")[:RELATED_COUNT]
    )
    translations = [
        (other, release_url(other))
        for other in public.filter(translation_group=release.translation_group)
        .exclude(pk=release.pk)
        .order_by("language")
    ]
    if release.publish_at is not None:
        previous_release = adjacent_release(public, release, newer=False)
        next_release = adjacent_release(public, release, newer=True)
    else:
        previous_release = public.order_by("-publish_at", "-pk").first()
        next_release = None

    url = absolute(request, release_url(release))
    photos = list(release.photos.all())
    participants = [
        (participant, participant.resolved_person, office_held(participant, release.dateline_date))
        for participant in release.participants.all()
    ]
    return {
        "release": release,
        "participants": participants,
        "canonical_url": url,
        "og_locale": OG_LOCALES.get(release.language, release.language),
        "og_image": absolute(request, photos[0].image.url) if photos else "",
        "related_releases": related,
        "translations": translations,
        "hreflang_alternates": [(release.language, url)]
        + [(other.language, absolute(request, u)) for other, u in translations],
        "previous_release": previous_release,
        "next_release": next_release,
        "json_ld": news_article(release, request=request, url=url, translations=translations),
        "description": strip_tags(release.lead)[:300],
    }


class PublicReleaseMixin:
    """Every public view of releases starts from ``PressRelease.objects.public()``."""

    def public_releases(self):
        return PressRelease.objects.public()


class HomeView(PublicReleaseMixin, ListView):
    template_name = "newsroom/home.html"
    context_object_name = "releases"
    paginate_by = PAGE_SIZE

    def get_queryset(self):
        # The newest release with a photo leads the front page, or the newest one
        # when none has a photo. The template skips it in the list below, so the
        # page costs the same queries either way.
        releases = self.public_releases().for_listing()
        self.featured = releases.filter(photos__isnull=False).distinct().first() or releases.first()
        return releases

    def get_context_data(self, **kwargs):
        return super().get_context_data(featured=self.featured, **kwargs)


class NewsListView(PublicReleaseMixin, ListView):
    """All releases, filtered by kind, topic, organisation and year; bad filters find nothing."""

    template_name = "newsroom/news_list.html"
    context_object_name = "releases"
    paginate_by = PAGE_SIZE

    def filters(self):
        return {
            name: query_param(self.request, name)
            for name in ("kind", "topic", "organisation", "year")
        }

    def get_queryset(self):
        releases = self.public_releases()
        filters = self.filters()
        if filters["kind"]:
            releases = releases.filter(kind=filters["kind"])
        if filters["topic"]:
            releases = releases.filter(tags__slug=filters["topic"])
        if filters["organisation"]:
            releases = releases.filter(organisations__slug=filters["organisation"])
        if filters["year"]:
            year = filters["year"]
            if not (year.isdigit() and len(year) == 4):
                return releases.none()
            releases = releases.filter(publish_at__year=int(year))
        return releases.distinct().for_listing()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        public = self.public_releases()
        context.update(
            filters=self.filters(),
            kinds=PressRelease.Kind.choices,
            topics=public_topics().order_by("name"),
            organisations=Organisation.objects.filter(releases__in=public)
            .distinct()
            .order_by("name"),
            years=public.dates("publish_at", "year", order="DESC"),
            query_without_page=query_without_page(self.request),
        )
        return context


def query_without_page(request):
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


class ArchiveMixin(PublicReleaseMixin):
    date_field = "publish_at"
    make_object_list = True
    allow_empty = False
    paginate_by = PAGE_SIZE
    context_object_name = "releases"

    def get_queryset(self):
        return self.public_releases().for_listing()


class YearArchive(ArchiveMixin, YearArchiveView):
    template_name = "newsroom/archive_year.html"


class MonthArchive(ArchiveMixin, MonthArchiveView):
    template_name = "newsroom/archive_month.html"
    month_format = "%m"


class ReleaseDetailView(PublicReleaseMixin, DetailView):
    template_name = "newsroom/release_detail.html"
    context_object_name = "release"

    def get_queryset(self):
        return with_page_prefetches(self.public_releases())

    def get_context_data(self, **kwargs):
        return release_page_context(self.object, request=self.request)

    def get(self, request, *args, **kwargs):
        try:
            return super().get(request, *args, **kwargs)
        except Http404:
            # Readers who saw a release before it was withdrawn learn why it is gone.
            release = PressRelease.objects.filter(slug=kwargs["slug"]).first()
            if release is not None and release.was_public():
                return render(
                    request, "newsroom/release_withdrawn.html", {"release": release}, status=410
                )
            raise


class TopicDetailView(PublicReleaseMixin, ListView):
    """A topic exists for the public only while a public release carries it."""

    template_name = "newsroom/topic_detail.html"
    context_object_name = "releases"
    paginate_by = PAGE_SIZE

    def get_queryset(self):
        self.topic = get_object_or_404(public_topics(), slug=self.kwargs["slug"])
        return self.public_releases().filter(tags=self.topic).for_listing()

    def get_context_data(self, **kwargs):
        return super().get_context_data(topic=self.topic, **kwargs)


class OrganisationListView(ListView):
    template_name = "newsroom/organisation_list.html"
    context_object_name = "organisations"

    def get_queryset(self):
        return Organisation.objects.filter(parent=None).prefetch_related(
            Prefetch("bodies", queryset=Organisation.objects.order_by("name"))
        )


class OrganisationDetailView(PublicReleaseMixin, DetailView):
    template_name = "newsroom/organisation_detail.html"
    context_object_name = "organisation"
    queryset = Organisation.objects.select_related("parent").prefetch_related(
        Prefetch("bodies", queryset=Organisation.objects.order_by("name")),
        Prefetch(
            "relations_from",
            queryset=OrganisationRelation.objects.select_related("other", "basis"),
        ),
        Prefetch(
            "relations_to",
            queryset=OrganisationRelation.objects.select_related("organisation", "basis"),
        ),
    )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        organisation = self.object
        relations = sorted(
            [*organisation.relations_from.all(), *organisation.relations_to.all()],
            key=lambda relation: (relation.since is None, relation.since, relation.pk),
        )
        context.update(
            relations=[(relation, relation.counterpart(organisation)) for relation in relations],
            diagram=relation_diagram(organisation, relations),
            releases=self.public_releases()
            .filter(organisations=organisation)
            .for_listing()[:PAGE_SIZE],
            documents=organisation.documents.all()[:PAGE_SIZE],
        )
        return context


class PersonDetailView(PublicReleaseMixin, DetailView):
    model = Person
    template_name = "newsroom/person_detail.html"
    context_object_name = "person"

    def get_queryset(self):
        return Person.objects.prefetch_related(
            Prefetch(
                "appointments",
                queryset=Appointment.objects.select_related("office__organisation").order_by(
                    "-start"
                ),
            )
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        person = self.object
        office_ids = [appointment.office_id for appointment in person.appointments.all()]
        # Releases naming the person, and releases naming an office only while they held it.
        candidates = (
            self.public_releases()
            .filter(
                Q(participants__person=person)
                | Q(participants__person=None, participants__office__in=office_ids)
            )
            .distinct()
            .prefetch_related(
                "organisations",
                Prefetch(
                    "participants",
                    queryset=Participant.objects.select_related("office").prefetch_related(
                        "office__appointments"
                    ),
                ),
            )
        )
        context["releases"] = [
            release
            for release in candidates[: PAGE_SIZE * 2]
            if any(
                participant.person_id == person.pk
                or (
                    participant.person_id is None
                    and participant.office is not None
                    and _held_by(participant.office, release.dateline_date, person)
                )
                for participant in release.participants.all()
            )
        ][:PAGE_SIZE]
        return context


def _held_by(office, day, person):
    holder = office.holder_on(day)
    return holder is not None and holder == person


class DocumentDetailView(PublicReleaseMixin, DetailView):
    template_name = "newsroom/document_detail.html"
    context_object_name = "document"
    queryset = Document.objects.prefetch_related("parties")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["releases"] = self.public_releases().filter(documents=self.object).for_listing()
        return context


class SearchView(PublicReleaseMixin, ListView):
    template_name = "newsroom/search.html"
    context_object_name = "results"
    paginate_by = PAGE_SIZE

    def get_queryset(self):
        self.query = query_param(self.request, "q", limit=500)
        return search_releases(self.public_releases(), self.query).prefetch_related("organisations")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        terms = query_terms(self.query)
        for release in context["results"]:
            release.snippet = highlight(f"{release.lead} {release.body}", terms)
            release.title_highlighted = highlight(release.title, terms, length=500)
        context.update(
            query=self.query, terms=terms, query_without_page=query_without_page(self.request)
        )
        return context
