"""The public site. Every view starts from ``PressRelease.objects.public()``."""

import datetime
from operator import methodcaller

from django.db.models import Exists, OuterRef, Prefetch, Q
from django.http import Http404
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import get_language
from django.views.generic import (
    DetailView,
    ListView,
    MonthArchiveView,
    TemplateView,
    YearArchiveView,
)

from newsroom.models import (
    Appointment,
    Document,
    Organisation,
    OrganisationRelation,
    Person,
    Photo,
    PressRelease,
    Topic,
)
from newsroom.models.statements import Statement

from .cache import for_content_version
from .context import feeds_page_context, public_release_page_context
from .diagram import relation_diagram
from .paging import CountOncePerVersion
from .params import query_param, query_without_page
from .public_ids import public_document_ids, public_organisation_ids
from .search import SearchResults, query_terms

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
    """Every public view of releases starts from ``PressRelease.objects.public()``.

    Lists show each release once, in the page's language where they hold a
    version in it (``listed``, after the list's own filters).
    """

    def public_releases(self):
        return PressRelease.objects.public()

    def listed(self, releases):
        return releases.in_language(get_language())


class PaginatedListMixin(PublicReleaseMixin):
    """A list of public releases, ``PAGE_SIZE`` a page, counted once per content version.

    A view lists ``releases()``, each translation group once (``listed``), and
    counts them by group (``listed_count``). A view whose list is filtered after
    ``listed`` (an archive, by date) gives its own ``get_queryset`` and sets
    ``counted_by_group`` to False: its list is counted as it is.
    """

    paginate_by = PAGE_SIZE
    paginator_class = CountOncePerVersion
    counted_by_group = True

    def count_name(self):
        return type(self).__name__

    def releases(self):
        return self.public_releases()

    def get_queryset(self):
        return self.listed(self.releases()).for_listing()

    def get_paginator(self, queryset, per_page, **kwargs):
        # Each language lists one version of a release: its own count.
        count_name = f"{get_language()}:{self.count_name()}"
        if self.counted_by_group:
            kwargs["groups_of"] = self.releases()
        return self.paginator_class(
            queryset,
            per_page,
            count_name=count_name,
            prepare=methodcaller("for_listing"),
            **kwargs,
        )


# The home page's lead release, by a statement compiled once (newsroom/models/statements.py).
RELEASE_BY_KEY = Statement(
    lambda release: PressRelease.objects.filter(pk=release), release=PressRelease._meta.pk
)


class HomeView(PaginatedListMixin, ListView):
    template_name = "newsroom/home.html"
    context_object_name = "releases"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # The newest release with a photo leads the first page, or the newest one
        # when none has a photo; the list below leaves it out. Later pages are
        # the plain list.
        page = context["page_obj"]
        releases = context["releases"]
        featured, featured_on_page = None, False
        if page.number == 1:
            lead = for_content_version(f"home-lead:{get_language()}", lambda: self.lead(releases))
            found = RELEASE_BY_KEY.rows(release=lead["pk"]) if lead is not None else []
            if found:
                featured, featured_on_page = found[0], lead["on_page"]
                # What the lead shows besides its own fields: its photo.
                featured.read_page_relations(["photos"])
        on_page = page.end_index() - page.start_index() + 1 if page.paginator.count else 0
        if featured_on_page:
            # The list below reads only its keys when its cards are kept (newsroom_cards).
            releases = releases.exclude(pk=featured.pk)
            on_page -= 1
        context.update(featured=featured, latest=releases, has_latest=on_page > 0)
        return context

    def lead(self, first_page):
        """The home page's lead release, ``{"pk", "on_page"}``; the same for every reader of
        a language until the public content changes."""
        with_photo = Exists(Photo.objects.filter(release=OuterRef("pk")))
        keys = first_page.values_list("pk", flat=True)
        found = keys.filter(with_photo).first()
        if found is not None:
            return {"pk": found, "on_page": True}
        # Only when no release of the first page has a photo: an older one may.
        found = self.get_queryset().filter(with_photo).values_list("pk", flat=True).first()
        if found is not None:
            return {"pk": found, "on_page": False}
        found = keys.first()
        return {"pk": found, "on_page": True} if found is not None else None


class NewsListView(PaginatedListMixin, ListView):
    """All releases, filtered by kind, topic, organisation and year.

    The list runs in publication order; the year is the dateline's, the year the
    news happened in, as in the archives. A filter naming nothing finds nothing;
    a year that is no year answers 404.
    """

    template_name = "newsroom/news_list.html"
    context_object_name = "releases"

    def filters(self):
        return {
            name: query_param(self.request, name)
            for name in ("kind", "topic", "organisation", "year")
        }

    def releases(self):
        releases = self.public_releases()
        filters = self.filters()
        if filters["kind"]:
            releases = releases.filter(kind=filters["kind"])
        if filters["topic"]:
            releases = releases.with_topic(filters["topic"])
        if filters["organisation"]:
            releases = releases.naming_organisation(filters["organisation"])
        if filters["year"]:
            releases = releases.filter(dateline_date__year=year_or_404(filters["year"]))
        return releases

    def count_name(self):
        return "news-list:" + "&".join(f"{key}={value}" for key, value in self.filters().items())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            query_without_page=query_without_page(self.request),
            filter_form=self.filter_form(),
        )
        return context

    def filter_form(self):
        """The filters and the archive by year, as HTML: the same on every page of the
        list and for every reader of a language, kept once per content version."""
        language = get_language()
        facets = for_content_version(f"news-facets:{language}", news_list_facets)
        # Only a value one of the options takes marks it selected: any other renders as
        # no choice, and is kept as one.
        options = {
            "kind": set(PressRelease.Kind.values),
            "topic": {topic.slug for topic in facets["topics"]},
            "organisation": {organisation.slug for organisation in facets["organisations"]},
            "year": {str(year.year) for year in facets["years"]},
        }
        chosen = {
            name: value if value in options[name] else "" for name, value in self.filters().items()
        }
        name = f"news-filters:{language}:" + "&".join(f"{k}={v}" for k, v in chosen.items())
        return for_content_version(
            name,
            lambda: render_to_string(
                "includes/news_filters.html",
                {**facets, "filters": chosen, "kinds": PressRelease.Kind.choices},
            ),
        )


def news_list_facets():
    """The topics, organisations and dateline years the news list can be filtered by."""
    public = PressRelease.objects.public()
    return {
        "topics": list(public.topics().order_by("name")),
        "organisations": list(
            Organisation.objects.filter(
                Exists(public.filter(organisations=OuterRef("pk")))
            ).order_by("name")
        ),
        "years": public.dateline_years(),
    }


class ArchiveMixin(PaginatedListMixin):
    """Year and month archives by the dateline's date: a release dated 3 March 2019
    is news of March 2019, whenever it was published or imported.

    Publishing requires a dateline date, so every public release has one. Which
    releases show is ``public()``'s alone: a dateline date ahead of today is no
    reason to hide one.
    """

    # The dates filter the list after ``listed``: a version outside them may have
    # been chosen for its group.
    counted_by_group = False

    date_field = "dateline_date"
    allow_future = True
    make_object_list = True
    allow_empty = False
    context_object_name = "releases"

    def count_name(self):
        return f"archive:{self.get_year()}:{self.kwargs.get('month', '')}"

    def get_queryset(self):
        # Without the listing's prefetches: the previous and next archive each
        # look up one release's date in it.
        return self.listed(self.public_releases()).order_by("-dateline_date", "-publish_at", "-pk")

    def paginate_queryset(self, queryset, page_size):
        return super().paginate_queryset(queryset.for_listing(), page_size)

    def get_year(self):
        return str(year_or_404(super().get_year()))


class YearArchive(ArchiveMixin, YearArchiveView):
    template_name = "newsroom/archive_year.html"

    def get_date_list(self, queryset, date_type=None, ordering="ASC"):
        # Every page of the year's archive lists the same months.
        year = int(self.get_year())
        months = for_content_version(
            f"archive-months:{get_language()}:{year}", lambda: queryset.dateline_months(year)
        )
        if not months and not self.get_allow_empty():
            raise Http404("No releases of that year.")
        return months if ordering == "ASC" else months[::-1]


class MonthArchive(ArchiveMixin, MonthArchiveView):
    template_name = "newsroom/archive_month.html"
    month_format = "%m"


class ReleaseDetailView(PublicReleaseMixin, DetailView):
    template_name = "newsroom/release_detail.html"
    context_object_name = "release"

    def get_object(self, queryset=None):
        release = PressRelease.objects.public_by_slug(self.kwargs["slug"])
        if release is None:
            raise Http404("No public release under that address.")
        return release

    def get_context_data(self, **kwargs):
        return public_release_page_context(self.object, request=self.request)

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


# A topic page's topic, by a statement compiled once (``newsroom/models/statements.py``).
# Planned on each run: whether a public release carries the topic is found by walking
# the topic's links or the releases up to now, whichever its values make fewer; the
# generic plan PostgreSQL chose for it at 100,000 releases took 80-290 ms instead of 1.
PUBLIC_TOPIC_BY_SLUG = Statement(
    lambda slug, now: PressRelease.objects.public(now=now).topics().filter(slug=slug),
    prepare=False,
    slug=Topic._meta.get_field("slug"),
    now=PressRelease._meta.get_field("publish_at"),
)


class TopicDetailView(PaginatedListMixin, ListView):
    """A topic exists for the public only while a public release carries it."""

    template_name = "newsroom/topic_detail.html"
    context_object_name = "releases"

    def count_name(self):
        return f"topic:{self.topic.pk}"

    @cached_property
    def topic(self):
        found = PUBLIC_TOPIC_BY_SLUG.rows(slug=self.kwargs["slug"], now=timezone.now())
        if not found:
            raise Http404("No public topic under that address.")
        return found[0]

    def releases(self):
        return self.public_releases().filter(tags=self.topic)

    def get_context_data(self, **kwargs):
        return super().get_context_data(topic=self.topic, **kwargs)


class OrganisationListView(ListView):
    """The public organisations, each body under its parent."""

    template_name = "newsroom/organisation_list.html"
    context_object_name = "organisations"

    def get_queryset(self):
        public = Organisation.objects.public()
        # A public body's parent is public, so a body heads an entry only when its
        # parent is hidden, which happens only above a grandparent.
        return (
            public.filter(Q(parent=None) | ~Q(parent__in=public))
            .order_by("name")
            .prefetch_related(
                Prefetch("bodies", queryset=public.order_by("name"), to_attr="public_bodies")
            )
        )


# What an organisation page reads besides its releases, by statements compiled once
# (``newsroom/models/statements.py``); which organisations and documents are public
# is read by key from the rule's result for the content version.
ORGANISATION_KEY = Organisation._meta.pk
ORGANISATION_BY_SLUG = Statement(
    lambda slug: Organisation.objects.filter(slug=slug).select_related("parent"),
    slug=Organisation._meta.get_field("slug"),
)
BODIES_OF = Statement(
    lambda organisation: Organisation.objects.filter(parent=organisation).order_by("name"),
    organisation=ORGANISATION_KEY,
)
RELATIONS_OF = Statement(
    lambda organisation: OrganisationRelation.objects.filter(
        Q(organisation=organisation) | Q(other=organisation)
    ).select_related("organisation", "other", "basis"),
    organisation=ORGANISATION_KEY,
)
DOCUMENTS_OF = Statement(
    lambda organisation, documents: Document.objects.filter(pk__in=documents, parties=organisation)[
        :PAGE_SIZE
    ],
    organisation=ORGANISATION_KEY,
    documents=Document._meta.pk,
)


class OrganisationDetailView(PublicReleaseMixin, DetailView):
    """An organisation page names only public records: a hidden body, partner or
    agreement stays off it, as on every other page.

    Which organisations are public is read by key from ``public_organisation_ids``,
    the rule's result for the current content version.
    """

    template_name = "newsroom/organisation_detail.html"
    context_object_name = "organisation"

    @cached_property
    def public_organisations(self):
        return set(public_organisation_ids())

    @cached_property
    def public_documents(self):
        return set(public_document_ids())

    def get_object(self, queryset=None):
        found = ORGANISATION_BY_SLUG.rows(slug=self.kwargs["slug"])
        if not found or found[0].pk not in self.public_organisations:
            raise Http404("No public organisation under that address.")
        organisation = found[0]
        organisation.public_bodies = [
            body
            for body in BODIES_OF.rows(organisation=organisation.pk)
            if body.pk in self.public_organisations
        ]
        return organisation

    def public_relations(self, organisation):
        """The relations of ``organisation`` with public organisations, both ways."""
        relations = sorted(
            (
                relation
                for relation in RELATIONS_OF.rows(organisation=organisation.pk)
                if relation.counterpart(organisation).pk in self.public_organisations
            ),
            key=lambda relation: (relation.since is None, relation.since, relation.pk),
        )
        for relation in relations:
            relation.basis_is_public = relation.basis_id in self.public_documents
        return relations

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        organisation = self.object
        relations = self.public_relations(organisation)
        public_ids = self.public_organisations
        parent = organisation.parent if organisation.parent_id in public_ids else None
        context.update(
            parent=parent,
            bodies=organisation.public_bodies,
            relations=[
                (
                    relation,
                    relation.counterpart(organisation),
                    relation.basis if relation.basis_is_public else None,
                )
                for relation in relations
            ],
            diagram=relation_diagram(
                organisation,
                [(relation, relation.counterpart(organisation)) for relation in relations],
                parent=parent,
                bodies=organisation.public_bodies,
            ),
            releases=self.listed(
                self.public_releases().filter(organisations=organisation)
            ).for_listing()[:PAGE_SIZE],
            documents=DOCUMENTS_OF.rows(
                organisation=organisation.pk, documents=sorted(self.public_documents)
            ),
        )
        return context


class PersonDetailView(PublicReleaseMixin, DetailView):
    """A person page shows the offices held only in organisations readers may see."""

    template_name = "newsroom/person_detail.html"
    context_object_name = "person"

    def get_queryset(self):
        appointments = Appointment.objects.filter(
            office__organisation__in=public_organisation_ids()
        )
        return Person.objects.public().prefetch_related(
            Prefetch(
                "appointments",
                queryset=appointments.select_related("office__organisation").order_by("-start"),
                to_attr="public_appointments",
            )
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # Probed release by release, newest first: a person most releases name
        # costs no more than one named twice.
        naming = PressRelease.objects.filter(self.object.named_in(), pk=OuterRef("pk"))
        context["releases"] = self.listed(
            self.public_releases().filter(Exists(naming))
        ).for_listing()[:PAGE_SIZE]
        return context


class DocumentDetailView(PublicReleaseMixin, DetailView):
    template_name = "newsroom/document_detail.html"
    context_object_name = "document"

    def get_queryset(self):
        return Document.objects.public().prefetch_related(
            Prefetch("parties", queryset=Organisation.objects.public(), to_attr="public_parties")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["releases"] = self.listed(
            self.public_releases().filter(documents=self.object)
        ).for_listing()
        return context


class SearchView(PublicReleaseMixin, ListView):
    template_name = "newsroom/search.html"
    context_object_name = "results"
    paginate_by = PAGE_SIZE

    def get_queryset(self):
        self.query = query_param(self.request, "q", limit=500)
        # Every version is searched: a word is in the language it was typed in.
        # The page's language comes first.
        # A page's cards are kept: only those not kept read their rows (newsroom_cards).
        return SearchResults(
            self.public_releases(), self.query, get_language(), scope="search-page"
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # The results' cards mark these words (newsroom_cards).
        terms = query_terms(self.query)
        context.update(
            query=self.query, terms=terms, query_without_page=query_without_page(self.request)
        )
        return context


class FeedsView(TemplateView):
    """What feeds are for, and the address of every feed there is."""

    template_name = "newsroom/feeds.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(**feeds_page_context(self.request), **kwargs)
