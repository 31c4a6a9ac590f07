"""What a release page shows: the context of ``newsroom/release_detail.html`` and its JSON-LD.

The public release page and the staff and share-link previews build their
context here. Related releases, translations and previous/next come from
``public(now)`` only, whatever the state of the release itself.
"""

import json
import re
from collections import defaultdict

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Exists, OuterRef, Q, Value
from django.template.loader import get_template
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import strip_tags
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from newsroom.models import Organisation, PressRelease, TaggedTopic, Topic
from newsroom.models.releases import PAGE_RELATIONS
from newsroom.models.statements import Statement

from .fragments import per_release, site_of
from .media import media_url, pictures, social_card_url
from .public_ids import public_organisations_among

RELATED_COUNT = 4
# Open Graph wants language_TERRITORY locales.
OG_LOCALES = {"en": "en_GB", "ru": "ru_RU", "zh-hans": "zh_CN"}


def absolute(request, url):
    return request.build_absolute_uri(url) if request is not None else url


def json_ld(data):
    """``data`` as JSON safe to place inside a <script> element."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)
    escapes = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}
    return mark_safe(text.translate(escapes))


def news_article(release, *, request, url, pictures):
    """The JSON-LD ``NewsArticle`` of ``release``, but for its translations
    (``workTranslation``), which ``release_page_context`` adds."""
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
        "image": [absolute(request, picture.src) for picture in pictures]
        or [absolute(request, static("img/logo.svg"))],
        "publisher": {
            "@type": "Organization",
            "name": _("Press office"),
            "logo": {"@type": "ImageObject", "url": absolute(request, static("img/logo.svg"))},
        },
        "about": [
            {
                "@type": "Organization",
                "name": organisation.local_name,
                "url": absolute(request, organisation.get_absolute_url()),
            }
            | (
                {"alternateName": organisation.local_short_name}
                if organisation.local_short_name
                else {}
            )
            for organisation in release.organisations.all()
        ],
        "keywords": [tag.local_name for tag in release.tags.all()],
    }
    return {key: value for key, value in data.items() if value not in (None, "", [])}


def office_held(participant, day):
    """The office shown beside a participant: the one given, or the one held on ``day``."""
    if participant.office is not None or participant.person is None:
        return participant.office
    return participant.person.office_on(day)


def named_organisations(release):
    """The keys of the organisations ``release`` names, directly or through a
    participant's office: they are public with it."""
    named = {organisation.pk for organisation in release.organisations.all()}
    named |= {
        participant.office.organisation_id
        for participant in release.participants.all()
        if participant.office is not None
    }
    return named


# What the page shows of a related, neighbouring or translated release: its link and title.
LINKED_FIELDS = (
    "slug",
    "title",
    "language",
    "dateline_place",
    "dateline_date",
    "publish_at",
    "translation_group",
)


def adjacent_release(public, publish_at, pk, *, newer):
    """The public release published just after (``newer``) or just before the release
    published at ``publish_at`` with key ``pk``, as a query of at most one row.

    The bound on ``publish_at`` alone is redundant with the condition after it,
    but it is what lets the database start its walk of the publication index at
    the release instead of at one end. It comes before ``public``'s own bound
    (``publish_at`` up to now): SQLite walks an index from the first bound it is
    given on a column, and from now it would pass every newer release first.
    """
    bound, step, order = (
        ("gte", "gt", ("publish_at", "pk")) if newer else ("lte", "lt", ("-publish_at", "-pk"))
    )
    from_release = PressRelease.objects.filter(**{f"publish_at__{bound}": publish_at})
    return (
        (from_release & public)
        .filter(
            Q(**{f"publish_at__{step}": publish_at})
            | Q(publish_at=publish_at, **{f"pk__{step}": pk})
        )
        .order_by(*order)[:1]
    )


def related_probes(public, *, organisations, topics, exclude_groups):
    """The newest releases of ``public`` that share one of ``organisations``, and those
    that share one of ``topics`` (keys): a query of at most ``RELATED_COUNT`` rows for
    each kind of link, outside the translation groups ``exclude_groups``.

    Each walks the publication index from the newest release down and probes the
    candidate's links by key, so a shared organisation named by most of the archive
    costs no more than a rare one. (ORed in one query, PostgreSQL would gather every
    linked release first.)
    """
    candidates = public.exclude(translation_group__in=exclude_groups).order_by("-publish_at", "-pk")
    probes = {}
    if organisations:
        probes["organisation"] = PressRelease.organisations.through.objects.filter(
            pressrelease=OuterRef("pk"), organisation__in=organisations
        )
    if topics:
        probes["topic"] = TaggedTopic.objects.filter(content_object=OuterRef("pk"), tag__in=topics)
    return {
        f"related-{kind}": candidates.filter(Exists(probe))[:RELATED_COUNT]
        for kind, probe in probes.items()
    }


def linked_query(*, now, release, publish_at, group, other_groups, hidden, organisations, topics):
    """The releases a release page links to, public at ``now``, in one statement.

    ``release`` is the page's release (its key, ``publish_at`` and translation
    ``group``); ``hidden`` the key of a live release a working copy replaces, or
    None. Each row's ``part`` says which link it is: ``related-<kind>``
    (``related_probes``), ``versions`` (the group's other languages),
    ``previous`` and ``next``. The parts are joined with UNION ALL, each a query
    of its own that keeps its index walk; a part with a limit is read by its
    keys, as SQLite takes no LIMIT inside a compound statement.
    """
    public = PressRelease.objects.public(now=now)
    if hidden is not None:
        public = public.exclude(pk=hidden)
    parts = related_probes(
        public, organisations=organisations, topics=topics, exclude_groups=[group, *other_groups]
    )
    parts["versions"] = public.filter(translation_group=group).exclude(pk=release)
    if publish_at is not None:
        parts["previous"] = adjacent_release(public, publish_at, release, newer=False)
        parts["next"] = adjacent_release(public, publish_at, release, newer=True)
    else:
        parts["previous"] = public.order_by("-publish_at", "-pk")[:1]
    queries = [
        (PressRelease.objects.filter(pk__in=query.values("pk")) if query.query.is_sliced else query)
        .order_by()
        .only(*LINKED_FIELDS)
        .annotate(part=Value(name))
        for name, query in parts.items()
    ]
    return queries[0].union(*queries[1:], all=True)


# Every release page asks it, with its own values: compiled once.
LINKED_RELEASES = Statement(
    linked_query,
    now=PressRelease._meta.get_field("publish_at"),
    release=PressRelease._meta.pk,
    publish_at=PressRelease._meta.get_field("publish_at"),
    group=PressRelease._meta.get_field("translation_group"),
    other_groups=PressRelease._meta.get_field("translation_group"),
    hidden=PressRelease._meta.pk,
    organisations=Organisation._meta.pk,
    topics=Topic._meta.pk,
)


def linked_releases(release, *, original, now, organisations, topics):
    """``{part: [release]}`` of ``linked_query`` for ``release``, whose page shows
    ``original`` (a live release it replaces) or None, and which names the
    ``organisations`` and ``topics`` (keys)."""
    group = (original or release).translation_group
    linked = defaultdict(list)
    for other in LINKED_RELEASES.rows(
        using=release._state.db,
        now=now,
        release=release.pk,
        publish_at=release.publish_at,
        group=group,
        other_groups=[release.translation_group] if release.translation_group != group else [],
        hidden=None if original is None else original.pk,
        organisations=organisations,
        topics=topics,
    ):
        linked[other.part].append(other)
    return linked


def release_own_part(release, *, request, now):
    """What a release page shows from the release's row, its relations and the records
    they name, the head's and the article's part rendered: ``release_page_context``'s
    ``own``.

    ``others`` are the organisations of offices that the release does not name
    (``named_organisations``), and ``others_shown`` those of them that were public
    (``public_organisations_among``): the one thing here that other releases decide.
    """
    prefetched = getattr(release, "_prefetched_objects_cache", {})
    if not prefetched.keys() >= PAGE_RELATIONS.keys():
        release.read_page_relations()
    # Renditions only; addresses signed for a short time while the release is not public.
    public_now = release.is_public(now=now)
    shown_pictures = pictures(release.photos.all(), public=public_now)
    held = [
        (participant, office_held(participant, release.dateline_date))
        for participant in release.participants.all()
    ]
    named = named_organisations(release)
    others = sorted({office.organisation_id for _, office in held if office is not None} - named)
    # An office that a person named alone held that day is not named by the release, so
    # its organisation shows only if it is public anyway: one query, and only when there
    # is such an organisation.
    others_shown = public_organisations_among(others, now)
    shown = named | set(others_shown)
    url = absolute(request, release.get_canonical_url())
    context = {
        "release": release,
        "participants": [
            (
                participant,
                participant.resolved_person,
                office if office is not None and office.organisation_id in shown else None,
            )
            for participant, office in held
        ],
        "canonical_url": url,
        "og_locale": OG_LOCALES.get(release.language, release.language),
        "pictures": shown_pictures,
        "og_image": absolute(request, social_card_url(shown_pictures)),
        # A public release's documents are public with it; a preview's are signed.
        "documents": [
            (document, media_url(document.file, public=public_now))
            for document in release.documents.all()
        ],
        "description": strip_tags(release.lead)[:300],
    }
    return {
        "head": get_template("includes/release_head.html").render(context).strip(),
        "article": get_template("includes/release_article.html").render(context).strip(),
        "description": context["description"],
        "article_data": news_article(release, request=request, url=url, pictures=shown_pictures),
        "organisations": sorted(organisation.pk for organisation in release.organisations.all()),
        "topics": sorted(tag.pk for tag in release.tags.all()),
        "others": others,
        "others_shown": others_shown,
    }


def release_page_context(release, *, request=None, now=None, own=None):
    """Everything ``newsroom/release_detail.html`` shows about ``release``.

    ``own`` is its ``release_own_part``, made now when not given. Related
    releases, translations and previous/next come from ``public(now)`` only,
    whatever the state of ``release`` itself: one query for all of them.
    """
    now = now or timezone.now()
    own = own or release_own_part(release, request=request, now=now)
    public_now = release.is_public(now=now)
    # A working copy previews what its live release will become: the live
    # release is this release, not a related or previous one.
    original = None if public_now else release.replaces()
    linked = linked_releases(
        release,
        original=original,
        now=now,
        organisations=own["organisations"],
        topics=own["topics"],
    )

    # The newest of each kind's newest, each once.
    related = {
        other.pk: other
        for name, others in linked.items()
        if name.startswith("related-")
        for other in others
    }
    related = sorted(
        related.values(), key=lambda other: (other.publish_at, other.pk), reverse=True
    )[:RELATED_COUNT]
    translations = [
        (other, other.get_canonical_url())
        for other in sorted(linked["versions"], key=lambda other: other.language)
    ]
    url = absolute(request, release.get_canonical_url())
    return {
        "release": release,
        "release_head": mark_safe(own["head"]),
        "release_article": mark_safe(own["article"]),
        "canonical_url": url,
        "related_releases": related,
        "translations": translations,
        "hreflang_alternates": [(release.language, url)]
        + [(other.language, absolute(request, u)) for other, u in translations],
        # The language switcher's links: each public version (newsroom_languages).
        "language_versions": dict(
            [(other.language, u) for other, u in translations]
            + ([(release.language, release.get_canonical_url())] if public_now else [])
        ),
        "previous_release": next(iter(linked["previous"]), None),
        "next_release": next(iter(linked["next"]), None),
        "json_ld": json_ld(
            own["article_data"]
            | {
                "workTranslation": [
                    {
                        "@type": "NewsArticle",
                        "inLanguage": other.language,
                        "url": absolute(request, u),
                    }
                    for other, u in translations
                ]
            }
            if translations
            else own["article_data"]
        ),
        "description": own["description"],
    }


def public_release_page_context(release, *, request):
    """``release_page_context`` of a public release, its own part kept per version of
    its row, language and address of the site (``per_release``).

    Publishing or editing another release renews every page, and each page's own part
    outlives it: the page is built again from its release's row, the kept part and one
    query for the releases it links to.
    """
    now = timezone.now()
    made = []

    def make(rows):
        made.extend(rows)
        return {row.pk: release_own_part(row, request=request, now=now) for row in rows}

    [own] = per_release(
        [release],
        f"release-page:{translation.get_language()}:{site_of(request)}",
        make=make,
        load=None,
        own_row=True,
    )
    # A part made now asked just now; a kept one is asked again.
    if (
        not made
        and own["others"]
        and public_organisations_among(own["others"], now) != own["others_shown"]
    ):
        # An organisation the release does not name came or went with another release.
        own = release_own_part(release, request=request, now=now)
    return release_page_context(release, request=request, now=now, own=own)


FEED_FORMATS = [("RSS", "application/rss+xml"), ("Atom", "application/atom+xml")]


def feed_addresses(request, rss, atom, **kwargs):
    """One feed's full address in each format, with the places a long one may wrap.

    A phone breaks an address after a slash, where readers expect it, rather
    than in the middle of a word.
    """
    addresses = []
    for (name, media_type), url_name in zip(FEED_FORMATS, (rss, atom), strict=True):
        url = absolute(request, reverse(url_name, kwargs=kwargs))
        addresses.append(
            {
                "format": name,
                "type": media_type,
                "url": url,
                "parts": re.split(r"(?<=/)(?=[^/])", url),
            }
        )
    return addresses


def feeds_page_context(request):
    """Every feed readers may subscribe to, with the full address a feed reader asks for.

    The news feed in the page's language, the same feed under the other
    languages' prefixes, and one feed per public topic and public organisation:
    those are exactly the feeds that answer rather than 404.
    """
    current = translation.get_language()
    other_languages = []
    for code, name in settings.LANGUAGES:
        if code == current:
            continue
        with translation.override(code):
            addresses = feed_addresses(request, "newsroom:feed_rss", "newsroom:feed_atom")
        other_languages.append((code, name, addresses))
    topics = PressRelease.objects.public().topics().order_by("name")
    organisations = Organisation.objects.public().order_by("name")
    return {
        "news_feed": feed_addresses(request, "newsroom:feed_rss", "newsroom:feed_atom"),
        "other_languages": other_languages,
        "topic_feeds": [
            (
                topic,
                reverse("newsroom:topic_detail", kwargs={"slug": topic.slug}),
                feed_addresses(
                    request,
                    "newsroom:topic_feed_rss",
                    "newsroom:topic_feed_atom",
                    slug=topic.slug,
                ),
            )
            for topic in topics
        ],
        "organisation_feeds": [
            (
                organisation,
                organisation.get_absolute_url(),
                feed_addresses(
                    request,
                    "newsroom:organisation_feed_rss",
                    "newsroom:organisation_feed_atom",
                    slug=organisation.slug,
                ),
            )
            for organisation in organisations
        ],
    }
