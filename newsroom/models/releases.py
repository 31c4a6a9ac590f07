"""Press releases, with the public-visibility rule, their photos and participants.

The rule lives in ``PressReleaseQuerySet.public``; every public surface goes
through it. The default manager stays unfiltered so the admin and the
workflow can see every release.
"""

import datetime
import functools
import operator
import uuid
from collections import defaultdict

import reversion
from django.conf import settings
from django.conf.locale import LANG_INFO
from django.core.exceptions import ValidationError
from django.db import connections, models
from django.db.models import Count, Exists, F, OuterRef, Q
from django.db.models.functions import Cast, Substr
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from taggit.managers import TaggableManager
from taggit.models import TaggedItemBase

from newsroom.addresses import address, address_with_slug
from newsroom.dates import format_site_time, long_date_in
from newsroom.sanitize import clean_body_html
from newsroom.uploads import RandomName, UploadedImageField

from .languages import DEFAULT_LANGUAGE, has_translation
from .reference import Appointment, Document, Office, Organisation, Person
from .statements import Statement, remember_prefetched
from .topics import Topic

# Beyond this span of dateline years, one pass over the releases is cheaper than a probe a year.
MAX_PROBED_YEARS = 200
# The part of the archive a translation group falls in: the first two hex digits of its
# UUID, the same on every database. A count kept part by part (``listed_count_by_part``)
# is brought up to date by counting again the parts of the releases that changed alone.
GROUP_PART = Substr(Cast("translation_group", models.CharField()), 1, 2)
MIN_GROUP, MAX_GROUP = uuid.UUID(int=0), uuid.UUID(int=2**128 - 1)
# Databases that count each part by its own range, in one UNION ALL. Given the parts'
# ranges OR-ed together, SQLite reads every public release by the public rule's index once
# there are more than a few (six parts of 100,000 releases: 170-180 ms, against 5-7 ms
# apart); PostgreSQL reads them well together (a topic's six parts: 9 ms, against 31 ms).
PARTS_COUNTED_APART = {"sqlite"}


def in_group_part(part):
    """``Q`` for the releases whose translation group falls in ``part``: a range of the
    group's own index, where ``GROUP_PART`` would read every release."""
    low = int(part, 16)
    in_part = Q(translation_group__gte=uuid.UUID(int=low << 120))
    if low < 0xFF:
        in_part &= Q(translation_group__lt=uuid.UUID(int=(low + 1) << 120))
    return in_part


def language_name(code):
    """The English name of a language of the site, as staff read it: "Russian"."""
    return LANG_INFO.get(code, {}).get("name", code)


SEARCH_FIELDS = ("search_title", "search_lead", "search_body")


class PressReleaseQuerySet(models.QuerySet):
    def public(self, now=None):
        """Exactly the releases the public may see at ``now``.

        A published release whose ``publish_at`` lies ahead is embargoed and
        appears by itself once that moment passes: no job has to run.
        """
        return self.filter(PressRelease.public_condition(now))

    def in_language(self, language):
        """These releases, each translation group once, for readers of ``language``:
        its version in that language, or, when none is among these, its first
        version here (the lowest id, the one written first).

        Apply it to a ``public()`` queryset after its filters: only the versions
        the list itself holds compete, so a scheduled or withdrawn translation,
        or one without the topic a topic page lists, never hides the version
        readers can see.
        """
        # Correlated on the group: each release asks about its own few versions,
        # by index, rather than the whole list being gathered first.
        versions = self.order_by().filter(translation_group=OuterRef("translation_group"))
        preferred = versions.filter(Q(language=language) | Q(pk__lt=OuterRef("pk")))
        return self.filter(Q(language=language) | ~Exists(preferred))

    def listed_count(self):
        """How many releases ``in_language`` lists of these, in any language: one a
        translation group, as a group holds one version a language
        (``one_release_per_language``). Counting the groups walks an index once,
        where counting ``in_language`` would probe each release's versions."""
        return self.order_by().values("translation_group").distinct().count()

    def listed_count_by_part(self, parts=None):
        """``listed_count`` part by part (``GROUP_PART``): ``{part: count}`` for each part
        that holds a release, or for each of ``parts``, 0 included."""
        return self._by_part(parts, Count("translation_group", distinct=True))

    def count_by_part(self, parts=None):
        """``count()`` part by part, as ``listed_count_by_part`` gives it."""
        return self._by_part(parts, Count("pk"))

    def _by_part(self, parts, count):
        def counted_in(releases):
            return (
                releases.annotate(group_part=GROUP_PART)
                .values("group_part")
                .annotate(counted=count)
                .values_list("group_part", "counted")
            )

        releases = self.order_by()
        if parts is None:
            # Every group, stated as a range: SQLite then counts from the groups' index,
            # which holds every column the count reads, instead of reading every row.
            return dict(
                counted_in(releases.filter(translation_group__range=(MIN_GROUP, MAX_GROUP)))
            )
        if not parts:
            return {}
        ranges = [in_group_part(part) for part in parts]
        if connections[releases.db].vendor in PARTS_COUNTED_APART:
            first, *others = [counted_in(releases.filter(in_part)) for in_part in ranges]
            counted = dict(first.union(*others, all=True) if others else first)
        else:
            counted = dict(counted_in(releases.filter(functools.reduce(operator.or_, ranges))))
        return {part: counted.get(part, 0) for part in parts}

    def changed_since(self, moment):
        """These releases written since ``moment``, or due to come out since, in any
        state: every write sets ``updated_at`` (a scheduled release's is its publication
        time). The states are named so that the indexes led by the state serve."""
        return self.filter(
            Q(updated_at__gte=moment) | Q(publish_at__gte=moment),
            status__in=PressRelease.Status.values,
        )

    def scheduled(self, now=None):
        now = now or timezone.now()
        return self.filter(status=PressRelease.Status.PUBLISHED, publish_at__gt=now)

    def in_state(self, state, now=None):
        """Releases in a workflow state; ``scheduled`` and ``published`` split by ``now``."""
        if state == "scheduled":
            return self.scheduled(now=now)
        if state == PressRelease.Status.PUBLISHED:
            return self.public(now=now)
        return self.filter(status=state)

    def ever_public(self, now=None):
        """Releases that are public or were public before: the public record."""
        public = self.model.objects.public(now=now).values("pk")
        return self.filter(Q(public_at__isnull=False) | Q(pk__in=public))

    def out_of_date(self):
        """Versions whose original's content changed since they were last saved against it."""
        return self.filter(
            translated_from__isnull=False,
            translated_from__content_version__gt=F("original_content_version"),
        )

    def delete(self):
        if self.ever_public().exists():
            raise PublicRecordProtected(None)
        return super().delete()

    def topics(self):
        """The topics these releases carry; for ``public()``, the topics readers can see.

        One probe per topic that stops at its first release, rather than a
        pass over every release and its topics.
        """
        return Topic.objects.filter(Exists(self.filter(tags=OuterRef("pk"))))

    def with_topic(self, slug):
        """The releases carrying the topic ``slug``; each once, without DISTINCT."""
        return self.filter(
            Exists(TaggedTopic.objects.filter(content_object=OuterRef("pk"), tag__slug=slug))
        )

    def naming_organisation(self, slug):
        """The releases naming the organisation ``slug``; each once, without DISTINCT."""
        links = PressRelease.organisations.through.objects.filter(
            pressrelease=OuterRef("pk"), organisation__slug=slug
        )
        return self.filter(Exists(links))

    def dateline_years(self):
        """The years of these releases' datelines, newest first, as 1 January of each.

        Three indexed queries whatever the size of the archive: the first and
        last dateline, then whether each year between has a release. ``dates()``
        would read every release to find the same twenty years.
        """
        dated = self.filter(dateline_date__isnull=False).values("pk", "dateline_date")
        first = dated.order_by("dateline_date").first()
        if first is None:
            return []
        last = dated.order_by("-dateline_date").first()
        years = range(last["dateline_date"].year, first["dateline_date"].year - 1, -1)
        if len(years) > MAX_PROBED_YEARS:
            return list(self.dates("dateline_date", "year", order="DESC"))
        return self._periods_with_releases(
            [(datetime.date(year, 1, 1), datetime.date(year + 1, 1, 1)) for year in years]
        )

    def dateline_months(self, year):
        """The months of ``year`` with a release by dateline, as the first day of each:
        one query of twelve indexed probes."""
        months = [datetime.date(year, month, 1) for month in range(1, 13)]
        ends = [*months[1:], datetime.date(year + 1, 1, 1)]
        return self._periods_with_releases(list(zip(months, ends, strict=True)))

    def _periods_with_releases(self, periods):
        """The starts of the ``(start, end)`` dateline periods that hold one of these releases."""
        probes = {
            f"period_{number}": Exists(
                self.filter(dateline_date__gte=start, dateline_date__lt=end).order_by()
            )
            for number, (start, end) in enumerate(periods)
        }
        # All probes ride on one row of the table, whichever: one query, one answer.
        any_row = self.model.objects.order_by("pk").values("pk")[:1]
        found = self.model.objects.filter(pk__in=any_row).values(**probes).first()
        if found is None:
            return []
        return [start for number, (start, _end) in enumerate(periods) if found[f"period_{number}"]]

    # Prefetch recipes: each surface fetches what it shows in a fixed number of queries.

    def for_listing(self):
        """What a list of releases shows."""
        return self.select_related("created_by").prefetch_related("tags", "organisations", "photos")

    def for_api(self):
        """What an API entry shows: who took part, not the offices people named alone held."""
        return self.prefetch_related(
            "tags",
            "organisations",
            models.Prefetch("participants", queryset=Participant.objects.for_display()),
        )


class PressReleaseManager(models.Manager.from_queryset(PressReleaseQuerySet)):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)

    def public_by_slug(self, slug, now=None):
        """The release public at ``now`` under ``slug``, or None: ``public()`` by a
        statement compiled once, as every release page asks it."""
        found = PUBLIC_BY_SLUG.rows(using=self.db, slug=slug, now=now or timezone.now())
        return found[0] if found else None


class PublicRecordProtected(ValidationError):
    """A release readers have seen is part of the public record: withdraw it instead."""

    def __init__(self, release):
        name = f"“{release}”" if release is not None else "A release that was public"
        super().__init__(
            f"{name} has been public, so it cannot be deleted; withdraw it instead.",
            code="public_record",
        )


class StaleRelease(ValidationError):
    """Someone else saved the release after this copy of it was loaded."""

    def __init__(self, stored):
        self.stored = stored
        saver = stored.last_saved_by()
        who = (saver.get_full_name() or saver.get_username()) if saver else "Someone else"
        self.saved_by = who
        super().__init__(
            f"{who} saved this release at {format_site_time(stored.updated_at)}, after you "
            "opened it. Your changes were not saved.",
            code="stale",
        )


class TaggedTopic(TaggedItemBase):
    """A release filed under a topic."""

    tag = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="tagged_releases")
    content_object = models.ForeignKey(
        "PressRelease", on_delete=models.CASCADE, related_name="tagged_topics"
    )

    class Meta:
        constraints = [
            # Also the index that joins a topic to its releases.
            models.UniqueConstraint(fields=["tag", "content_object"], name="unique_release_topic")
        ]


@reversion.register(exclude=["tags"], follow=["participants", "photos", "tags"])
class PressRelease(models.Model):
    class Kind(models.TextChoices):
        PRESS_RELEASE = "press_release", _("Press release")
        # One item of news: "Новость" in Russian, where the menu's "News" is "Новости".
        NEWS = "news", pgettext_lazy("kind of release", "News")
        STATEMENT = "statement", _("Statement")
        ANNOUNCEMENT = "announcement", _("Announcement")

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        IN_REVIEW = "in_review", "In review"
        PUBLISHED = "published", "Published"
        WITHDRAWN = "withdrawn", "Withdrawn"

    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.PRESS_RELEASE)
    title = models.CharField(max_length=300)
    slug = models.SlugField(
        max_length=200, unique=True, help_text="The last part of the release's address."
    )
    lead = models.TextField(
        blank=True, help_text="One or two sentences that say what happened; shown in lists."
    )
    body = models.TextField(blank=True, help_text="The text of the release.")
    dateline_place = models.CharField(
        max_length=100, blank=True, help_text="Where the news happened, e.g. “Qingdao”."
    )
    dateline_date = models.DateField(null=True, blank=True)
    language = models.CharField(
        max_length=10, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    translation_group = models.UUIDField(
        default=uuid.uuid4,
        db_index=True,
        editable=False,
        help_text="Releases sharing this value are versions of one release in other languages; "
        "set when a translation is added.",
    )
    translated_from = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="translations",
        help_text="The version this one was translated from: its original.",
    )
    content_version = models.PositiveIntegerField(
        default=1,
        editable=False,
        help_text="Raised when what a translation follows changes: the text readers read, "
        "the dateline, or what the versions share; never by a status step.",
    )
    original_content_version = models.PositiveIntegerField(
        null=True,
        blank=True,
        editable=False,
        help_text="The original's content version this translation was last saved against.",
    )
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.DRAFT, editable=False
    )
    publish_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="When the release becomes public."
    )
    first_published_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)
    correction_note = models.TextField(
        blank=True, help_text="Shown to readers when a published release is corrected."
    )
    # What readers last saw, kept when a public release is withdrawn: the
    # withdrawal notice shows this, never text written after.
    public_title = models.CharField(max_length=300, blank=True, editable=False)
    public_lead = models.TextField(blank=True, editable=False)
    public_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When the release last went public, if it ever did before its withdrawal.",
    )
    withdrawal_reason = models.TextField(blank=True, editable=False)
    withdrawn_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="press_releases",
    )
    version = models.PositiveIntegerField(
        default=1, editable=False, help_text="Raised on every save; guards against lost updates."
    )
    source_hash = models.CharField(
        max_length=64,
        blank=True,
        db_index=True,
        editable=False,
        help_text="Hash of the imported document this release was made from.",
    )
    # Title, lead and body as the search index reads them (``newsroom.searchtext``):
    # written with every save by the ``pre_save`` receiver of ``newsroom.text``. Made
    # from the fields above, so fixtures, backups and revisions leave them out
    # (``serialize=False``) and a load writes them again.
    search_title = models.TextField(blank=True, default="", editable=False, serialize=False)
    search_lead = models.TextField(blank=True, default="", editable=False, serialize=False)
    search_body = models.TextField(blank=True, default="", editable=False, serialize=False)
    organisations = models.ManyToManyField(Organisation, blank=True, related_name="releases")
    documents = models.ManyToManyField(Document, blank=True, related_name="releases")
    tags = TaggableManager(
        through=TaggedTopic,
        blank=True,
        help_text="Topics, separated by commas.",
        # In the order the editor gave them, on every database, prefetched or not.
        ordering=["tagged_releases__pk"],
    )

    objects = PressReleaseManager()

    class Meta:
        ordering = ["-publish_at", "-dateline_date", "-pk"]
        get_latest_by = "publish_at"
        permissions = [
            ("publish_pressrelease", "Can publish press releases"),
            ("withdraw_pressrelease", "Can withdraw press releases"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["translation_group", "language"], name="one_release_per_language"
            )
        ]
        indexes = [
            # public() in the lists' order (``ordering``), so a page of the list,
            # however deep, is read from the index in order.
            models.Index(
                fields=["status", "publish_at", "dateline_date"],
                name="newsroom_pr_public_order_idx",
            ),
            # Archives and the year filter go by the dateline's date, in the
            # archives' order, with what public() asks of each release.
            models.Index(
                fields=["status", "dateline_date", "publish_at"],
                name="newsroom_pr_dateline_pub_idx",
            ),
            # The sitemap's date of the newest change to a public release.
            models.Index(
                fields=["status", "updated_at", "publish_at"],
                name="newsroom_pr_public_updated_idx",
            ),
            # A release's public versions: without it, SQLite walks every public
            # release by date rather than the few of one group.
            models.Index(
                fields=["translation_group", "status", "publish_at"],
                name="newsroom_pr_group_public_idx",
            ),
            # SQLite's search has one more, of what it asks of each match: migration
            # 0013_search_rows_index.
        ]

    def __str__(self):
        # A translation starts without a title until its translator writes one.
        return self.title or f"Untitled {language_name(self.language)} version"

    def save(self, *args, by=None, now=None, **kwargs):
        """Save, refusing to overwrite a newer version someone else stored.

        ``by`` is who saves; it is named when a later stale save is refused.
        Every save keeps a revision, also from the shell.
        """
        self.body = clean_body_html(self.body)
        updating = not self._state.adding
        if updating:
            self.updated_at = now or timezone.now()
            self._loaded_version = self.version
            self.version = self._loaded_version + 1
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {
                    *kwargs["update_fields"],
                    "body",
                    "updated_at",
                    "version",
                    *SEARCH_FIELDS,
                }
        try:
            if reversion.is_active():
                super().save(*args, **kwargs)
            else:
                with reversion.create_revision(manage_manually=True):
                    super().save(*args, **kwargs)
                    reversion.set_user(by)
                    reversion.add_to_revision(self)
        except Exception:
            if updating:
                self.version = self._loaded_version
            raise
        finally:
            self._loaded_version = None

    def get_absolute_url(self):
        return address("newsroom:release_detail", slug=self.slug)

    @staticmethod
    def public_condition(now=None, prefix=""):
        """``Q`` for the releases public at ``now``, reached through ``prefix`` from
        another model: ``public()``'s rule, for the records public through a release."""
        return Q(
            **{
                f"{prefix}status": PressRelease.Status.PUBLISHED,
                f"{prefix}publish_at__lte": now or timezone.now(),
            }
        )

    def get_canonical_url(self):
        """The address under the release's own language's prefix."""
        return self.canonical_url_of(self.language, self.slug)

    @staticmethod
    def canonical_url_of(language, slug):
        """``get_canonical_url`` of the release in ``language`` at ``slug``, for one read as
        a row of its fields."""
        return address_with_slug(language, "newsroom:release_detail", slug)

    def natural_key(self):
        return (self.slug,)

    def read_page_relations(self, names=None):
        """Read what a release page shows with this release (``PAGE_RELATIONS``, or those
        of them ``names`` names), kept as ``prefetch_related`` keeps them; each relation
        by a statement compiled once."""
        for name, statement in PAGE_RELATIONS.items():
            if names is not None and name not in names:
                continue
            rows = statement.rows(using=self._state.db, release=self.pk)
            relation = self._meta.get_field(name)
            if relation.one_to_many:
                # Each photo and participant knows its release, as after a prefetch.
                for row in rows:
                    relation.field.set_cached_value(row, self)
            remember_prefetched(self, name, rows)

    def is_public(self, now=None):
        now = now or timezone.now()
        return (
            self.status == self.Status.PUBLISHED
            and self.publish_at is not None
            and self.publish_at <= now
        )

    def is_scheduled(self, now=None):
        now = now or timezone.now()
        return (
            self.status == self.Status.PUBLISHED
            and self.publish_at is not None
            and (self.publish_at > now)
        )

    def was_public(self):
        """Whether this withdrawn release was public: only then does it answer 410."""
        return self.status == self.Status.WITHDRAWN and self.public_at is not None

    def was_ever_public(self, now=None):
        """Public now, or public at some time before: such a release is withdrawn, never deleted."""
        return self.public_at is not None or self.is_public(now=now)

    def delete(self, *args, **kwargs):
        if self.pk is not None and self.was_ever_public():
            raise PublicRecordProtected(self)
        return super().delete(*args, **kwargs)

    @property
    def dateline(self):
        """Press-style dateline in the release's own language, whatever the page's.

        “QINGDAO, 9 June 2018”, “ЦИНДАО, 9 июня 2018”, “青岛，2018年6月9日”: it
        opens the release's text, so it is written as that text is.
        """
        parts = []
        if self.dateline_place:
            parts.append(self.dateline_place.upper())
        if self.dateline_date:
            parts.append(long_date_in(self.language, self.dateline_date))
        return ("，" if self.language == "zh-hans" else ", ").join(parts)

    def _do_update(self, base_qs, using, pk_val, values, update_fields, forced_update):
        # One UPDATE ... WHERE version = <the version this copy was loaded at>:
        # atomic on every database, so two saves of one version cannot both win.
        loaded = getattr(self, "_loaded_version", None)
        if loaded is None:
            return super()._do_update(base_qs, using, pk_val, values, update_fields, forced_update)
        if super()._do_update(
            base_qs.filter(version=loaded), using, pk_val, values, update_fields, forced_update
        ):
            return True
        stored = base_qs.filter(pk=pk_val).first()
        if stored is None:
            return False
        raise StaleRelease(stored)

    def last_saved_by(self):
        """Who made the latest save, from the revision every save keeps."""
        from reversion.models import Version

        version = Version.objects.get_for_object(self).select_related("revision__user").first()
        return version.revision.user if version else None

    def versions(self):
        """Every version of this release in its group, this one included, by language."""
        return PressRelease.objects.filter(translation_group=self.translation_group).order_by(
            "language", "pk"
        )

    def is_out_of_date(self):
        """Whether the original changed since this version was last saved against it."""
        original = self.translated_from
        return original is not None and original.content_version > (
            self.original_content_version or 0
        )

    def replaces(self):
        """The live release this draft was restored for, if it is such a draft."""
        if self.pk is None:
            return None
        link = self._meta.get_field("working_copy_of").related_model.objects.filter(draft=self)
        link = link.select_related("live").first()
        return link.live if link else None

    # The workflow -----------------------------------------------------------
    # Each step is one line here; the table, the checks and the write live in
    # ``newsroom.editorial`` (docs/architecture.md, "Workflow"). The import is
    # deferred because the editorial layer sits above the models.

    def workflow_state(self, now=None):
        """The status, with ``scheduled`` for a publication whose time is ahead."""
        if self.is_scheduled(now=now):
            return "scheduled"
        return self.status

    def state_label(self, now=None):
        if self.is_scheduled(now=now):
            return f"scheduled for {format_site_time(self.publish_at)}"
        return self.get_status_display().lower()

    def submit(self, by, *, comment="", at=None, now=None):
        """Send a draft to the editors for review."""
        return self._step("submit", by, comment=comment, at=at, now=now)

    def return_to_draft(self, by, *, comment="", at=None, now=None):
        """Send a release in review, or a scheduled one, back to its author with a comment."""
        return self._step("return_to_draft", by, comment=comment, at=at, now=now)

    def publish(self, by, *, comment="", at=None, now=None):
        """Publish now, or at ``at`` (an embargo); on a scheduled release, change its time."""
        return self._step("publish", by, comment=comment, at=at, now=now)

    def withdraw(self, by, *, comment="", at=None, now=None):
        """Take a published release off the site; ``comment`` is the reason readers see."""
        return self._step("withdraw", by, comment=comment, at=at, now=now)

    def restore_to_draft(self, by, *, comment="", at=None, now=None):
        """Bring a withdrawn release back as a draft, off the public site."""
        return self._step("restore_to_draft", by, comment=comment, at=at, now=now)

    def _step(self, name, by, **kwargs):
        from newsroom.editorial import editing

        return editing.take_step(self, name, by, **kwargs)


class Photo(models.Model):
    release = models.ForeignKey(PressRelease, on_delete=models.CASCADE, related_name="photos")
    image = UploadedImageField(upload_to=RandomName("photos"))
    caption = models.CharField(max_length=500, blank=True)
    credit = models.CharField(max_length=255, blank=True)
    alt_text = models.CharField(
        max_length=500, help_text="What the photo shows, for readers who cannot see it."
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self):
        return self.caption or self.alt_text


class ParticipantQuerySet(models.QuerySet):
    def for_display(self):
        """A participant with its person, office, and who held the office on the
        release's date (``resolved_person``)."""
        return self.select_related("person", "office__organisation").prefetch_related(
            models.Prefetch(
                "office__appointments", queryset=Appointment.objects.select_related("person")
            )
        )

    def with_offices_held(self):
        """``for_display()``, and also the office each person named alone held that day
        (``Person.office_on``): the appointments of the offices named alone and of the
        people named alone in one query, where a prefetch of each would take two."""
        clone = self.select_related("person", "office__organisation")
        clone._iterable_class = WithAppointments
        return clone


# The appointments of some offices and people, with who and what they name.
APPOINTMENTS = Statement(
    lambda offices, people: Appointment.objects.filter(
        Q(office__in=offices) | Q(person__in=people)
    ).select_related("person", "office__organisation"),
    offices=Office._meta.pk,
    people=Person._meta.pk,
)


class WithAppointments(models.query.ModelIterable):
    """Participants, with the appointments their names are shown by (``with_offices_held``):
    those of each office named without a person (who held it) and of each person named
    without an office (which one they held). A participant named with both is shown as
    named, and a release whose participants all are reads no appointment."""

    def __iter__(self):
        participants = list(super().__iter__())
        offices = [p.office for p in participants if p.office is not None and p.person is None]
        people = [p.person for p in participants if p.person is not None and p.office is None]
        if not offices and not people:
            yield from participants
            return
        by_office, by_person = defaultdict(list), defaultdict(list)
        for appointment in APPOINTMENTS.rows(
            using=self.queryset.db,
            offices=sorted({office.pk for office in offices}),
            people=sorted({person.pk for person in people}),
        ):
            by_office[appointment.office_id].append(appointment)
            by_person[appointment.person_id].append(appointment)
        # In ``Appointment.Meta.ordering`` on each side, as a prefetch of each would give them.
        for office in offices:
            remember_prefetched(office, "appointments", by_office[office.pk])
        for person in people:
            remember_prefetched(person, "appointments", by_person[person.pk])
        yield from participants


class Participant(models.Model):
    class Role(models.TextChoices):
        CHAIR = "chair", _("Chair")
        PARTICIPANT = "participant", _("Participant")
        SPEAKER = "speaker", _("Speaker")
        SIGNATORY = "signatory", _("Signatory")

    release = models.ForeignKey(PressRelease, on_delete=models.CASCADE, related_name="participants")
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="participations"
    )
    office = models.ForeignKey(
        Office,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="participations",
        help_text="The post the participant held; may be given without a person.",
    )
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.PARTICIPANT)
    order = models.PositiveSmallIntegerField(default=0)

    objects = ParticipantQuerySet.as_manager()

    class Meta:
        ordering = ["order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False) | Q(office__isnull=False),
                name="participant_has_person_or_office",
            )
        ]

    def __str__(self):
        return self.display_name

    def clean(self):
        if self.person_id is None and self.office_id is None:
            raise ValidationError("Give a person, an office or both.")

    @property
    def resolved_person(self):
        """The named person, or the holder of the office on the release's date."""
        if self.person is not None:
            return self.person
        if self.office is not None:
            return self.office.holder_on(self.release.dateline_date)
        return None

    @property
    def display_name(self):
        """Who took part, named in the active language where the names are translated."""
        person = self.resolved_person
        if person is not None:
            return person.local_name
        office, organisation = self.office, self.office.organisation
        if has_translation(office, "title"):
            if (translation.get_language() or DEFAULT_LANGUAGE) == DEFAULT_LANGUAGE:
                return f"the {organisation.display_name} {office.title}"
            # "the SCO Secretary-General" is English word order; other languages get
            # the post and its organisation, as the release page lists them.
            return f"{office.local_title}, {organisation.display_name}"
        return f"the {organisation.short_name or organisation.name} {office.title}"


PUBLIC_BY_SLUG = Statement(
    lambda slug, now: PressRelease.objects.public(now=now).filter(slug=slug),
    slug=PressRelease._meta.get_field("slug"),
    now=PressRelease._meta.get_field("publish_at"),
)


def page_relation(name):
    """A statement of the rows of the relation ``name`` of the release with a given key."""

    def build(release):
        related = getattr(PressRelease(pk=release), name)
        return related.with_offices_held() if name == "participants" else related.all()

    return Statement(build, release=PressRelease._meta.pk)


# What a release page shows with its release: its topics, organisations, documents,
# photos, and participants with the offices they held.
PAGE_RELATIONS = {
    name: page_relation(name)
    for name in ("tags", "organisations", "documents", "photos", "participants")
}


for followed in (Participant, Photo, Topic):
    if not reversion.is_registered(followed):
        reversion.register(followed)
