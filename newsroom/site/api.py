"""The read-only JSON API of public releases (docs/architecture.md, "JSON API")."""

from collections import defaultdict

from django.conf import settings
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.http import JsonResponse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from newsroom.models import Organisation, PressRelease

from .fragments import per_release, site_of
from .media import pictures
from .paging import CountOncePerVersion
from .params import query_param
from .search import SearchResults

PAGE_SIZE = 20


def api_response(data, status=200):
    response = JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})
    # Read-only and public: any site may fetch it from a browser.
    response["Access-Control-Allow-Origin"] = "*"
    return response


def not_found(detail=None):
    return api_response({"detail": detail or _("Not found.")}, status=404)


def for_api(releases):
    """``releases`` with everything an API entry shows."""
    return releases.for_api().prefetch_related("photos", "documents")


def api_releases():
    return for_api(PressRelease.objects.public()).order_by("-publish_at", "-pk")


def withdrawn(release):
    """The withdrawal notice: only what readers saw while it was public, and why it went."""
    return api_response(
        {
            "detail": _("This release has been withdrawn."),
            "slug": release.slug,
            "title": release.public_title,
            "withdrawn_at": release.withdrawn_at.isoformat() if release.withdrawn_at else None,
            "reason": release.withdrawal_reason,
        },
        status=410,
    )


def translations_of(releases):
    """Public translations of each release, fetched in one query for the whole page."""
    groups = {release.translation_group for release in releases}
    by_group = defaultdict(list)
    for other in (
        PressRelease.objects.public()
        .filter(translation_group__in=groups)
        .only("slug", "language", "translation_group")
    ):
        by_group[other.translation_group].append(other)
    return {
        release.pk: [
            other for other in by_group[release.translation_group] if other.pk != release.pk
        ]
        for release in releases
    }


def serialise_photos(photos, request):
    """The photos in order, each at its page rendition; ``url`` is null until one exists."""
    photos = list(photos)
    shown = {picture.photo.pk: picture for picture in pictures(photos, public=True)}
    return [
        {
            "url": request.build_absolute_uri(shown[photo.pk].src) if photo.pk in shown else None,
            "caption": photo.caption,
            "credit": photo.credit,
            "alt_text": photo.alt_text,
            "width": shown[photo.pk].width if photo.pk in shown else None,
            "height": shown[photo.pk].height if photo.pk in shown else None,
        }
        for photo in photos
    ]


def entries(releases, request):
    """The API entries of ``releases``, each made once per content version, language and
    address of the site (entries carry absolute addresses)."""

    def make(rows):
        translations = translations_of(rows)
        return {row.pk: serialise_release(row, request, translations[row.pk]) for row in rows}

    return per_release(
        releases,
        f"api-entry:{get_language()}:{site_of(request)}",
        make=make,
        load=for_api(PressRelease.objects.all()).in_bulk,
    )


def serialise_release(release, request, translations):
    return {
        "slug": release.slug,
        "url": request.build_absolute_uri(release.get_canonical_url()),
        "kind": release.kind,
        "title": release.title,
        "lead": release.lead,
        "body_html": release.body,
        "language": release.language,
        "dateline_place": release.dateline_place,
        "dateline_date": release.dateline_date.isoformat() if release.dateline_date else None,
        "published_at": release.publish_at.isoformat(),
        "updated_at": release.updated_at.isoformat(),
        "correction_note": release.correction_note or None,
        "tags": [tag.local_name for tag in release.tags.all()],
        "organisations": [
            {"slug": o.slug, "name": o.local_name, "short_name": o.local_short_name}
            for o in release.organisations.all()
        ],
        "participants": [
            {
                "name": participant.display_name,
                "office": participant.office.local_title if participant.office else None,
                "organisation": participant.office.organisation.local_name
                if participant.office
                else None,
                "role": participant.role,
            }
            for participant in release.participants.all()
        ],
        "photos": serialise_photos(release.photos.all(), request),
        # A public release's documents are public with it.
        "documents": [
            {
                "slug": document.slug,
                "title": document.local_title,
                "url": request.build_absolute_uri(document.get_absolute_url()),
            }
            for document in release.documents.all()
        ],
        "translations": [
            {
                "language": other.language,
                "url": request.build_absolute_uri(other.get_canonical_url()),
            }
            for other in sorted(translations, key=lambda other: other.language)
        ],
    }


@require_safe
def release_list(request):
    releases = api_releases()
    topic = query_param(request, "topic")
    organisation = query_param(request, "organisation")
    query = query_param(request, "q", limit=500)
    language = query_param(request, "language")
    if language:
        if language not in dict(settings.LANGUAGES):
            return api_response(
                {
                    "detail": _("Unknown language “%(language)s”: use one of %(languages)s.")
                    % {"language": language, "languages": ", ".join(dict(settings.LANGUAGES))}
                },
                status=400,
            )
        releases = releases.filter(language=language)
    if topic:
        releases = releases.with_topic(topic)
    if organisation:
        releases = releases.naming_organisation(organisation)
    if query:
        # Search results are ranked and counted by the search itself.
        scope = f"api:{language}:{topic}:{organisation}"
        results = SearchResults(releases, query, scope=scope, by_links=bool(topic or organisation))
        paginator = Paginator(results, PAGE_SIZE)
    else:
        paginator = CountOncePerVersion(
            releases,
            PAGE_SIZE,
            count_name=f"api:{language}:{topic}:{organisation}",
            prepare=for_api,
        )
    try:
        page = paginator.page(request.GET.get("page", 1))
    except (EmptyPage, PageNotAnInteger):
        return not_found(_("No such page."))
    next_url = None
    if page.has_next():
        params = request.GET.copy()
        params["page"] = page.next_page_number()
        next_url = request.build_absolute_uri(f"{request.path}?{params.urlencode()}")
    return api_response(
        {
            "count": paginator.count,
            "next": next_url,
            "results": entries(page.object_list, request),
        }
    )


@require_safe
def release_detail(request, slug):
    found = entries(api_releases().filter(slug=slug), request)
    if not found:
        # As on the release page: a release readers saw answers 410 with the
        # notice once withdrawn; one they never saw is simply not found.
        gone = PressRelease.objects.filter(slug=slug).first()
        if gone is not None and gone.was_public():
            return withdrawn(gone)
        return not_found()
    return api_response(found[0])


@require_safe
def organisation_list(request):
    organisations = Organisation.objects.public().select_related("parent").order_by("name")
    return api_response(
        {
            "count": len(organisations),
            "next": None,
            "results": [
                {
                    "slug": o.slug,
                    "name": o.local_name,
                    "short_name": o.local_short_name,
                    "kind": o.kind,
                    "parent": o.parent.slug if o.parent else None,
                    "url": request.build_absolute_uri(o.get_absolute_url()),
                }
                for o in organisations
            ],
        }
    )
