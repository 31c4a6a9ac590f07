"""The newsroom's domain: organisations, documents, people, offices and releases.

The public-visibility rule lives in ``PressReleaseQuerySet.public``; every
public surface goes through it. The default manager stays unfiltered so the
admin and the workflow can see every release.
"""

import uuid
from dataclasses import dataclass

import reversion
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from taggit.managers import TaggableManager
from taggit.models import Tag

from .dates import long_date, month_year, year
from .sanitize import clean_body_html


class DatePrecision(models.TextChoices):
    YEAR = "year", _("Year")
    MONTH = "month", _("Month")
    DAY = "day", _("Day")


def format_partial_date(value, precision, *, after_preposition=False):
    """Render a date only as precisely as it is known ("April 2005", "2005").

    ``after_preposition``: the date follows "since" or "until", which in Russian
    puts the month in the genitive ("с апреля 2005").
    """
    if value is None:
        return ""
    if precision == DatePrecision.YEAR:
        return year(value)
    if precision == DatePrecision.MONTH:
        return month_year(value, after_preposition=after_preposition)
    return long_date(value)


class SlugNaturalKeyManager(models.Manager):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Organisation(models.Model):
    class Kind(models.TextChoices):
        INTERGOVERNMENTAL = "intergovernmental", _("Intergovernmental organisation")
        BODY = "body", _("Body of an organisation")
        SECRETARIAT = "secretariat", _("Secretariat")
        STATE = "state", _("State")
        OTHER = "other", _("Other")

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
        MEMORANDUM = "memorandum", _("Memorandum of understanding")
        JOINT_APPEAL = "joint_appeal", _("Joint appeal")
        PROGRAMME = "programme", _("Programme of action")
        DECLARATION = "declaration", _("Declaration")
        STATEMENT = "statement", _("Statement")
        OTHER = "other", _("Other")

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
        PARTNER = "partner", _("Partner")
        OBSERVER = "observer", _("Observer")
        DIALOGUE_PARTNER = "dialogue_partner", _("Dialogue partner")
        MEMBER = "member", _("Member")
        OTHER = "other", _("Other")

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
        return format_partial_date(self.since, self.since_precision, after_preposition=True)

    @property
    def until_display(self):
        return format_partial_date(self.until, self.until_precision, after_preposition=True)

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

    def in_state(self, state, now=None):
        """Releases in a workflow state; ``scheduled`` and ``published`` split by ``now``."""
        if state == "scheduled":
            return self.scheduled(now=now)
        if state == PressRelease.Status.PUBLISHED:
            return self.public(now=now)
        return self.filter(status=state)

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


class TransitionNotAllowed(PermissionDenied):
    """The user may not make this transition."""


class TransitionInvalid(ValidationError):
    """The transition does not apply to the release as it stands."""


class StaleRelease(ValidationError):
    """Someone else saved the release after this copy of it was loaded."""

    def __init__(self, stored):
        self.stored = stored
        saver = stored.last_saved_by()
        who = (saver.get_full_name() or saver.get_username()) if saver else "Someone else"
        super().__init__(
            f"{who} saved this release at {format_site_time(stored.updated_at)}, after you "
            "opened it. Your changes were not saved.",
            code="stale",
        )


def format_site_time(value):
    """A moment in the site's time zone, with the zone named: “9 June 2018, 14:00 (UTC)”."""
    if value is None:
        return ""
    local = timezone.localtime(value)
    return f"{date_format(local, 'j F Y, H:i')} ({timezone.get_current_timezone_name()})"


@dataclass(frozen=True)
class Transition:
    sources: tuple
    target: str
    permission: str
    label: str
    past: str
    needs_comment: bool = False


# The workflow in one table. ``scheduled`` stands for a published release
# whose time has not come, so it can still be rescheduled or pulled back.
PUBLISH_PERMISSION = "newsroom.publish_pressrelease"
WITHDRAW_PERMISSION = "newsroom.withdraw_pressrelease"
CHANGE_PERMISSION = "newsroom.change_pressrelease"
TRANSITIONS = {
    "submit": Transition(
        ("draft",), "in_review", CHANGE_PERMISSION, "Submit for review", "submitted for review"
    ),
    "return_to_draft": Transition(
        ("in_review", "scheduled"),
        "draft",
        PUBLISH_PERMISSION,
        "Return to draft",
        "returned to draft",
        needs_comment=True,
    ),
    "publish": Transition(
        ("draft", "in_review", "scheduled"), "published", PUBLISH_PERMISSION, "Publish", "published"
    ),
    "withdraw": Transition(
        ("scheduled", "published"),
        "withdrawn",
        WITHDRAW_PERMISSION,
        "Withdraw",
        "withdrawn",
        needs_comment=True,
    ),
    "restore_to_draft": Transition(
        ("withdrawn",), "draft", WITHDRAW_PERMISSION, "Restore to draft", "restored to draft"
    ),
}
REQUIRED_TO_PUBLISH = [
    ("title", "a title"),
    ("lead", "a lead"),
    ("body", "a body text"),
    ("dateline_place", "the place of the dateline"),
    ("dateline_date", "the date of the dateline"),
]


@reversion.register(exclude=["tags"], follow=["participants", "tags"])
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
            parts.append(long_date(self.dateline_date))
        return ", ".join(parts)

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

    def replaces(self):
        """The live release this draft was restored for, if it is such a draft."""
        if self.pk is None:
            return None
        link = WorkingCopy.objects.filter(draft=self).select_related("live").first()
        return link.live if link else None

    # The workflow -----------------------------------------------------------

    def workflow_state(self, now=None):
        """The status, with ``scheduled`` for a publication whose time is ahead."""
        if self.is_scheduled(now=now):
            return "scheduled"
        return self.status

    def is_reviewer(self, user):
        return user.has_perm(PUBLISH_PERMISSION)

    def can_edit(self, user):
        """Editors edit everything; contributors their own drafts (also those returned to them)."""
        if not user.has_perm(CHANGE_PERMISSION):
            return False
        if self.is_reviewer(user):
            return True
        return self.status == self.Status.DRAFT and (
            self.pk is None or self.created_by_id == user.pk
        )

    def check_transition(
        self, name, by, *, at=None, now=None, organisations=None, check_content=True
    ):
        """Raise ``PermissionDenied`` or ``ValidationError`` unless ``by`` may do ``name`` now.

        ``organisations`` stands in for the stored ones when a form is about to
        change them together with the transition.
        """
        now = now or timezone.now()
        transition = TRANSITIONS.get(name)
        if transition is None:
            raise TransitionInvalid(f"“{name}” is not a step of the workflow.", code="unknown")
        if by is None or not by.has_perm(transition.permission):
            raise TransitionNotAllowed(f"You may not {transition.label.lower()} releases.")
        if name == "submit" and not self.is_reviewer(by) and self.created_by_id != by.pk:
            raise TransitionNotAllowed("You may only submit releases you wrote.")
        state = self.workflow_state(now=now)
        if state not in transition.sources:
            raise TransitionInvalid(
                f"A release that is {self.state_label(now=now)} cannot be {transition.past}.",
                code="state",
            )
        if name == "publish" and check_content:
            self.check_publishable(at=at, now=now, organisations=organisations)

    def check_publishable(self, *, at=None, now=None, organisations=None):
        now = now or timezone.now()
        missing = [
            label
            for field, label in REQUIRED_TO_PUBLISH
            if not (strip_tags(self.body).strip() if field == "body" else getattr(self, field))
        ]
        if organisations is None:
            organisations = self.organisations.all() if self.pk else []
        if not len(organisations):
            missing.append("at least one organisation")
        if missing:
            raise TransitionInvalid(
                f"To publish, the release needs {', '.join(missing)}.", code="incomplete"
            )
        if at is not None and at < now:
            raise TransitionInvalid(
                f"The publication time {format_site_time(at)} has passed; "
                "leave it empty to publish now.",
                code="past",
            )
        live = self.replaces()
        if live is not None and live.status == self.Status.WITHDRAWN:
            raise TransitionInvalid(
                "The release this draft replaces is withdrawn; restore it to draft first.",
                code="withdrawn",
            )

    def allowed_transitions(self, user, now=None):
        """The transitions ``user`` may start now, for buttons and actions."""
        allowed = []
        for name in TRANSITIONS:
            try:
                self.check_transition(name, user, now=now, check_content=False)
            except (PermissionDenied, ValidationError):
                continue
            allowed.append(name)
        return allowed

    def state_label(self, now=None):
        if self.is_scheduled(now=now):
            return f"scheduled for {format_site_time(self.publish_at)}"
        return self.get_status_display().lower()

    @transaction.atomic
    def _transition(self, name, by, *, comment="", at=None, now=None, change=None):
        """Lock the row, check, apply ``change`` and the new status, and record the step.

        ``change`` sets the fields the step touches besides ``status`` and may
        return the comment to record.
        """
        now = now or timezone.now()
        if self.pk is None:
            raise TransitionInvalid("Save the release before moving it through the workflow.")
        stored = type(self).objects.select_for_update().get(pk=self.pk)
        if stored.version != self.version:
            raise StaleRelease(stored)
        self.check_transition(name, by, at=at, now=now)
        from_status = self.status
        comment = (change(now) if change else None) or comment
        self.status = TRANSITIONS[name].target
        # A release scheduled ahead is not updated before it first appears.
        self.save(by=by, now=max(now, self.publish_at) if self.is_scheduled(now=now) else now)
        PressReleaseTransition.objects.create(
            release=self,
            from_status=from_status,
            to_status=self.status,
            by=by,
            at=now,
            comment=comment,
        )

    def _forget_unseen_publication(self, now):
        # A scheduled release taken back before its time was never public.
        if self.first_published_at and self.first_published_at > now:
            self.first_published_at = None

    def submit(self, by, *, comment="", now=None):
        """Send a draft to the editors for review."""
        self._transition("submit", by, comment=comment, now=now)

    def return_to_draft(self, by, comment, *, now=None):
        """Send a release in review, or a scheduled one, back to its author with a comment."""
        if not (comment or "").strip():
            self.check_transition("return_to_draft", by, now=now)
            raise TransitionInvalid("Say what the author should change.", code="comment")

        def change(now):
            self.publish_at = None
            self._forget_unseen_publication(now)

        self._transition("return_to_draft", by, comment=comment, now=now, change=change)

    def publish(self, by, at=None, *, comment="", now=None):
        """Publish now, or at ``at`` (an embargo); on a scheduled release, change its time."""
        now = now or timezone.now()
        if self.replaces() is not None:
            return self._publish_working_copy(by, at=at, comment=comment, now=now)

        def change(now):
            when = at or now
            note = ""
            if self.status == self.Status.PUBLISHED:
                note = (
                    f"Rescheduled from {format_site_time(self.publish_at)} "
                    f"to {format_site_time(when)}."
                )
            self.publish_at = when
            self.withdrawal_reason = ""
            self.withdrawn_at = None
            if self.first_published_at is None or self.first_published_at > now:
                self.first_published_at = when
            return " ".join(filter(None, [note, comment]))

        self._transition("publish", by, comment=comment, at=at, now=now, change=change)
        return self

    def withdraw(self, by, reason, *, now=None):
        """Take a published release off the site; ``reason`` is shown to readers."""
        if not (reason or "").strip():
            self.check_transition("withdraw", by, now=now)
            raise TransitionInvalid("Give the reason readers will see.", code="reason")

        def change(now):
            self._forget_unseen_publication(now)
            self.withdrawal_reason = reason.strip()
            self.withdrawn_at = now

        self._transition("withdraw", by, comment=reason, now=now, change=change)

    def restore_to_draft(self, by, *, comment="", now=None):
        """Bring a withdrawn release back as a draft, off the public site."""

        def change(now):
            self.publish_at = None
            self.withdrawal_reason = ""
            self.withdrawn_at = None

        self._transition("restore_to_draft", by, comment=comment, now=now, change=change)

    def _publish_working_copy(self, by, *, at, comment, now):
        """Put the content of this draft onto the live release it was made from."""
        from .workflow import copy_content

        with transaction.atomic():
            copy = type(self).objects.select_for_update().get(pk=self.pk)
            if copy.version != self.version:
                raise StaleRelease(type(self).objects.get(pk=self.pk))
            self.check_transition("publish", by, at=at, now=now)
            live = self.replaces()
            live = type(self).objects.select_for_update().get(pk=live.pk)
            if at is None and live.is_scheduled(now=now):
                at = live.publish_at
            copy_content(source=self, target=live)
            live.save(by=by, now=now)
            note = f"Published the restored draft “{self.title}”."
            if live.workflow_state(now=now) == "published" and at is None:
                PressReleaseTransition.objects.create(
                    release=live,
                    from_status=live.status,
                    to_status=live.status,
                    by=by,
                    at=now,
                    comment=" ".join(filter(None, [note, comment])),
                )
            else:
                live.publish(by, at=at, comment=" ".join(filter(None, [note, comment])), now=now)
            self.delete()
        return live


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


class WorkingCopy(models.Model):
    """A draft made from an old revision of a published release.

    The live release stays as it is; publishing the draft puts its content
    onto the live release and removes the draft.
    """

    draft = models.OneToOneField(
        PressRelease, on_delete=models.CASCADE, related_name="working_copy_of"
    )
    live = models.ForeignKey(PressRelease, on_delete=models.CASCADE, related_name="working_copies")
    restored_from = models.DateTimeField(help_text="When the restored revision was saved.")

    def __str__(self):
        return f"Draft replacing {self.live}"


class ShareLink(models.Model):
    """A read-only preview of one release for a reviewer outside the office."""

    release = models.ForeignKey(PressRelease, on_delete=models.CASCADE, related_name="share_links")
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    expires_at = models.DateTimeField(help_text="The link stops working at this moment.")
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)
    note = models.CharField(
        max_length=200, blank=True, help_text="Who the link is for, e.g. “CSTO press office”."
    )

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"Share link for {self.release} until {format_site_time(self.expires_at)}"

    def is_valid(self, now=None):
        now = now or timezone.now()
        return self.revoked_at is None and self.expires_at > now


for followed in (Participant, Tag):
    if not reversion.is_registered(followed):
        reversion.register(followed)
