"""The newsroom's domain: organisations, documents, people, offices and releases.

The public-visibility rule lives in ``PressReleaseQuerySet.public``; every
public surface goes through it. The default manager stays unfiltered so the
admin and the workflow can see every release.
"""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from taggit.managers import TaggableManager

from .sanitize import clean_body_html


class DatePrecision(models.TextChoices):
    YEAR = "year", "Year"
    MONTH = "month", "Month"
    DAY = "day", "Day"


def format_partial_date(value, precision):
    """Render a date only as precisely as it is known ("April 2005", "2005")."""
    if value is None:
        return ""
    if precision == DatePrecision.YEAR:
        return str(value.year)
    if precision == DatePrecision.MONTH:
        return date_format(value, "F Y")
    return date_format(value, "j F Y")


class SlugNaturalKeyManager(models.Manager):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Organisation(models.Model):
    class Kind(models.TextChoices):
        INTERGOVERNMENTAL = "intergovernmental", "Intergovernmental organisation"
        BODY = "body", "Body of an organisation"
        SECRETARIAT = "secretariat", "Secretariat"
        STATE = "state", "State"
        OTHER = "other", "Other"

    name = models.CharField(max_length=255, unique=True)
    short_name = models.CharField(
        max_length=64, blank=True, help_text="The abbreviation the texts use, e.g. “SCO”."
    )
    slug = models.SlugField(max_length=100, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.INTERGOVERNMENTAL)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="bodies",
        help_text="The organisation this one belongs to, e.g. SCO for the SCO Secretariat.",
    )
    description = models.TextField(blank=True)
    website = models.URLField(blank=True)
    logo = models.ImageField(upload_to="organisations/", blank=True)

    objects = SlugNaturalKeyManager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("newsroom:organisation_detail", kwargs={"slug": self.slug})

    def natural_key(self):
        return (self.slug,)

    @property
    def display_name(self):
        return self.short_name or self.name

    def clean(self):
        ancestor = self.parent
        while ancestor is not None:
            if ancestor.pk == self.pk:
                raise ValidationError({"parent": "An organisation cannot be its own ancestor."})
            ancestor = ancestor.parent


class Document(models.Model):
    class Kind(models.TextChoices):
        MEMORANDUM = "memorandum", "Memorandum of understanding"
        JOINT_APPEAL = "joint_appeal", "Joint appeal"
        PROGRAMME = "programme", "Programme of action"
        DECLARATION = "declaration", "Declaration"
        STATEMENT = "statement", "Statement"
        OTHER = "other", "Other"

    title = models.CharField(max_length=500)
    slug = models.SlugField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.OTHER)
    date = models.DateField(null=True, blank=True)
    date_precision = models.CharField(
        max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    parties = models.ManyToManyField(Organisation, blank=True, related_name="documents")
    summary = models.TextField(blank=True)
    file = models.FileField(upload_to="documents/", blank=True)

    objects = SlugNaturalKeyManager()

    class Meta:
        ordering = [models.F("date").desc(nulls_last=True), "title"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("newsroom:document_detail", kwargs={"slug": self.slug})

    def natural_key(self):
        return (self.slug,)

    @property
    def date_display(self):
        return format_partial_date(self.date, self.date_precision)


class OrganisationRelation(models.Model):
    class Kind(models.TextChoices):
        PARTNER = "partner", "Partner"
        OBSERVER = "observer", "Observer"
        DIALOGUE_PARTNER = "dialogue_partner", "Dialogue partner"
        MEMBER = "member", "Member"
        OTHER = "other", "Other"

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="relations_from"
    )
    other = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="relations_to")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.PARTNER)
    since = models.DateField(null=True, blank=True)
    since_precision = models.CharField(
        max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    until = models.DateField(null=True, blank=True)
    until_precision = models.CharField(
        max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    basis = models.ForeignKey(
        Document,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="relations",
        help_text="The agreement the relation rests on, e.g. a memorandum of understanding.",
    )
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["since", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "other", "kind"], name="unique_organisation_relation"
            ),
            models.CheckConstraint(
                condition=~Q(organisation=models.F("other")), name="relation_not_to_itself"
            ),
        ]

    def __str__(self):
        return f"{self.organisation.display_name} – {self.other.display_name}: {self.get_kind_display()}"

    @property
    def since_display(self):
        return format_partial_date(self.since, self.since_precision)

    @property
    def until_display(self):
        return format_partial_date(self.until, self.until_precision)

    def counterpart(self, organisation):
        """The organisation on the other side of the relation from ``organisation``."""
        return self.other if organisation.pk == self.organisation_id else self.organisation


class Person(models.Model):
    name = models.CharField(max_length=255)
    slug = models.SlugField(max_length=100, unique=True)
    photo = models.ImageField(upload_to="people/", blank=True)
    biography = models.TextField(blank=True)

    objects = SlugNaturalKeyManager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "people"

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("newsroom:person_detail", kwargs={"slug": self.slug})

    def natural_key(self):
        return (self.slug,)


class OfficeManager(models.Manager):
    def get_by_natural_key(self, organisation_slug, slug):
        return self.get(organisation__slug=organisation_slug, slug=slug)


class Office(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="offices")
    title = models.CharField(
        max_length=255, help_text="The post as the organisation names it, e.g. “Secretary-General”."
    )
    slug = models.SlugField(max_length=100)

    objects = OfficeManager()

    class Meta:
        ordering = ["organisation__name", "title"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "slug"], name="unique_office_slug")
        ]

    def __str__(self):
        return f"{self.title} of the {self.organisation.display_name}"

    def natural_key(self):
        return (*self.organisation.natural_key(), self.slug)

    natural_key.dependencies = ["newsroom.organisation"]

    def holder_on(self, day):
        """The person who held this office on ``day``, if an appointment says so.

        Reads ``appointments.all()`` so that a prefetched list costs no query.
        """
        if day is None:
            return None
        for appointment in self.appointments.all():
            if appointment.covers(day):
                return appointment.person
        return None


class Appointment(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="appointments")
    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="appointments")
    start = models.DateField(null=True, blank=True, help_text="Leave empty if not known.")
    end = models.DateField(null=True, blank=True, help_text="Leave empty while in office.")

    class Meta:
        ordering = ["office", "start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(start__isnull=True)
                | Q(end__isnull=True)
                | Q(end__gte=models.F("start")),
                name="appointment_ends_after_start",
            )
        ]

    def __str__(self):
        return f"{self.person} – {self.office}"

    def covers(self, day):
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)


class PressReleaseQuerySet(models.QuerySet):
    def public(self, now=None):
        """Exactly the releases the public may see at ``now``.

        A published release whose ``publish_at`` lies ahead is embargoed and
        appears by itself once that moment passes: no job has to run.
        """
        now = now or timezone.now()
        return self.filter(status=PressRelease.Status.PUBLISHED, publish_at__lte=now)

    def scheduled(self, now=None):
        now = now or timezone.now()
        return self.filter(status=PressRelease.Status.PUBLISHED, publish_at__gt=now)

    def for_listing(self):
        """What a list of releases shows, fetched in a fixed number of queries."""
        return self.select_related("created_by").prefetch_related("tags", "organisations", "photos")

    def for_detail(self):
        """What a release page shows, fetched in a fixed number of queries."""
        return self.prefetch_related(
            "tags",
            "organisations",
            "documents",
            "photos",
            models.Prefetch(
                "participants",
                queryset=Participant.objects.select_related(
                    "person", "office__organisation"
                ).prefetch_related("office__appointments__person", "person__appointments"),
            ),
        )


class PressReleaseManager(models.Manager.from_queryset(PressReleaseQuerySet)):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class PressRelease(models.Model):
    class Kind(models.TextChoices):
        PRESS_RELEASE = "press_release", "Press release"
        NEWS = "news", "News"
        STATEMENT = "statement", "Statement"
        ANNOUNCEMENT = "announcement", "Announcement"

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
        help_text="Releases sharing this value are versions of one release in other languages.",
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
    organisations = models.ManyToManyField(Organisation, blank=True, related_name="releases")
    documents = models.ManyToManyField(Document, blank=True, related_name="releases")
    tags = TaggableManager(blank=True, help_text="Topics, separated by commas.")

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
        indexes = [models.Index(fields=["status", "publish_at"])]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.body = clean_body_html(self.body)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("newsroom:release_detail", kwargs={"slug": self.slug})

    def natural_key(self):
        return (self.slug,)

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
        """Whether readers may have seen this release before it was withdrawn."""
        return self.status == self.Status.WITHDRAWN and self.first_published_at is not None

    @property
    def dateline(self):
        """Press-style dateline: “QINGDAO, 9 June 2018”."""
        parts = []
        if self.dateline_place:
            parts.append(self.dateline_place.upper())
        if self.dateline_date:
            parts.append(date_format(self.dateline_date, "j F Y"))
        return ", ".join(parts)


class Photo(models.Model):
    release = models.ForeignKey(PressRelease, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(upload_to="photos/%Y/%m/")
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


class Participant(models.Model):
    class Role(models.TextChoices):
        CHAIR = "chair", "Chair"
        PARTICIPANT = "participant", "Participant"
        SPEAKER = "speaker", "Speaker"
        SIGNATORY = "signatory", "Signatory"

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
        person = self.resolved_person
        if person is not None:
            return person.name
        return f"the {self.office.organisation.display_name} {self.office.title}"


class PressReleaseTransition(models.Model):
    """One step of a release through the workflow: the audit trail."""

    release = models.ForeignKey(PressRelease, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=20, choices=PressRelease.Status.choices)
    to_status = models.CharField(max_length=20, choices=PressRelease.Status.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.release}: {self.from_status} → {self.to_status}"
