"""The public site. Every view starts from ``PressRelease.objects.public()``."""

import datetime

from django.db.models import Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.views.generic import DetailView, ListView, MonthArchiveView, YearArchiveView

from newsroom.models import (
    Appointment,
    Document,
    Organisation,
    OrganisationRelation,
    Participant,
    Person,
    PressRelease,
)

from .context import release_page_context
from .diagram import relation_diagram
from .params import query_param, query_without_page
from .search import highlight, query_terms, search_releases

PAGE_SIZE = 20


def year_or_404(value):
    """``value`` as the year of an archive or a filter; 404 when it names none.

    The first and last years a date can have are refused too: a time zone
    would shift their bounds out of the calendar.
    """
    if not (value.isascii() and value.isdigit()):
        raise Http404("No such year.")
    year = int(value)
    if not datetime.MINYEAR < year < datetime.MAXYEAR:
        raise Http404("No such year.")
    return year


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
    """All releases, filtered by kind, topic, organisation and year.

    A filter naming nothing finds nothing; a year that is no year answers 404.
    """

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
            releases = releases.filter(publish_at__year=year_or_404(filters["year"]))
        return releases.distinct().for_listing()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        public = self.public_releases()
        context.update(
            filters=self.filters(),
            kinds=PressRelease.Kind.choices,
            topics=PressRelease.objects.public().topics().order_by("name"),
            organisations=Organisation.objects.filter(releases__in=public)
            .distinct()
            .order_by("name"),
            years=public.dates("publish_at", "year", order="DESC"),
            query_without_page=query_without_page(self.request),
        )
        return context


class ArchiveMixin(PublicReleaseMixin):
    date_field = "publish_at"
    make_object_list = True
    allow_empty = False
    paginate_by = PAGE_SIZE
    context_object_name = "releases"

    def get_queryset(self):
        return self.public_releases().for_listing()

    def get_year(self):
        return str(year_or_404(super().get_year()))


class YearArchive(ArchiveMixin, YearArchiveView):
    template_name = "newsroom/archive_year.html"


class MonthArchive(ArchiveMixin, MonthArchiveView):
    template_name = "newsroom/archive_month.html"
    month_format = "%m"


class ReleaseDetailView(PublicReleaseMixin, DetailView):
    template_name = "newsroom/release_detail.html"
    context_object_name = "release"

    def get_queryset(self):
        return self.public_releases().for_detail()

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
        self.topic = get_object_or_404(
            PressRelease.objects.public().topics(), slug=self.kwargs["slug"]
        )
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
