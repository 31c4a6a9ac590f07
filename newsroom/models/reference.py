"""Reference data the releases name: organisations, documents, people and offices."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from newsroom.addresses import address
from newsroom.dates import long_date, month_year, year
from newsroom.uploads import RandomName, UploadedImageField, validate_document_upload

from .languages import TRANSLATION_HELP, has_translation, localised


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


LISTED_HELP = (
    "Show this on the public site even while no public release refers to it. "
    "Otherwise it appears with the first public release that does."
)


def public_release(prefix, now):
    """``Q`` for a release reached through ``prefix`` that the public may see at ``now``."""
    # Deferred: releases name reference records, so their module imports this one.
    from .releases import PressRelease

    return PressRelease.public_condition(now, prefix=prefix)


def held_on(day, prefix=""):
    """``Q`` for appointments that cover ``day`` (a date or an expression such as ``F()``).

    The SQL form of ``Appointment.covers``: one meaning of "held" — started
    on or before the day (or start unknown), not ended before it (or still
    in office). ``prefix`` reaches the appointment from another model.
    """
    return (Q(**{f"{prefix}start__isnull": True}) | Q(**{f"{prefix}start__lte": day})) & (
        Q(**{f"{prefix}end__isnull": True}) | Q(**{f"{prefix}end__gte": day})
    )


def reached_through(model, condition):
    """``Q`` for the ``model`` rows that meet ``condition``, as a subquery of its own.

    Each way of being named is a separate subquery: ORed in one filter, the
    joins across several many-valued relations would multiply their rows. The
    subquery starts from the row itself and stops at the first release that
    names it, so its cost does not grow with the archive.
    """
    return Q(Exists(model._default_manager.filter(condition, pk=OuterRef("pk"))))


class ReferenceQuerySet(models.QuerySet):
    """``public()`` for a kind of reference record: the records readers may see."""

    def public(self, now=None):
        return self.filter(self.model.public_condition(now or timezone.now()))

    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class OrganisationQuerySet(ReferenceQuerySet):
    def public(self, now=None):
        named = Organisation.public_condition(now or timezone.now())
        # The bodies named pull their parents (and the parents' parents) in with them.
        bodies = Organisation.objects.filter(parent=OuterRef("pk"))
        return self.filter(
            named
            | Exists(bodies.filter(named))
            | Exists(bodies.filter(Exists(bodies.filter(named))))
        )


class Organisation(models.Model):
    class Kind(models.TextChoices):
        INTERGOVERNMENTAL = "intergovernmental", _("Intergovernmental organisation")
        BODY = "body", _("Body of an organisation")
        SECRETARIAT = "secretariat", _("Secretariat")
        STATE = "state", _("State")
        OTHER = "other", _("Other")

    name = models.CharField(max_length=255, unique=True)
    name_ru = models.CharField(
        "name (Russian)", max_length=255, blank=True, help_text=TRANSLATION_HELP
    )
    name_zh_hans = models.CharField(
        "name (Chinese)", max_length=255, blank=True, help_text=TRANSLATION_HELP
    )
    short_name = models.CharField(
        max_length=64, blank=True, help_text="The abbreviation the texts use, e.g. “SCO”."
    )
    short_name_ru = models.CharField(
        "short name (Russian)", max_length=64, blank=True, help_text="E.g. “ШОС”."
    )
    short_name_zh_hans = models.CharField(
        "short name (Chinese)", max_length=64, blank=True, help_text="E.g. “上合组织”."
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
    logo = UploadedImageField(upload_to=RandomName("organisations"), blank=True)
    is_listed = models.BooleanField("listed", default=False, help_text=LISTED_HELP)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return address("newsroom:organisation_detail", slug=self.slug)

    def natural_key(self):
        return (self.slug,)

    @property
    def local_name(self):
        """The name in the active language, else in English."""
        return localised(self, "name")

    @property
    def local_short_name(self):
        return localised(self, "short_name")

    @property
    def display_name(self):
        """The short name where there is one, in the active language.

        A language that has the full name but no abbreviation of its own shows
        the full name rather than the English abbreviation.
        """
        if has_translation(self, "short_name") and self.local_short_name:
            return self.local_short_name
        if not has_translation(self, "name"):
            return self.short_name or self.name
        return self.local_name

    @staticmethod
    def public_condition(now):
        """Listed, or named by a public release directly, through an office or a document."""
        return (
            Q(is_listed=True)
            | reached_through(Organisation, public_release("releases__", now))
            | reached_through(
                Organisation, public_release("offices__participations__release__", now)
            )
            | reached_through(Organisation, public_release("documents__releases__", now))
        )

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
    title_ru = models.CharField(
        "title (Russian)", max_length=500, blank=True, help_text=TRANSLATION_HELP
    )
    title_zh_hans = models.CharField(
        "title (Chinese)", max_length=500, blank=True, help_text=TRANSLATION_HELP
    )
    slug = models.SlugField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.OTHER)
    date = models.DateField(null=True, blank=True)
    date_precision = models.CharField(
        max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    parties = models.ManyToManyField(Organisation, blank=True, related_name="documents")
    summary = models.TextField(blank=True)
    file = models.FileField(
        upload_to=RandomName("documents"),
        blank=True,
        validators=[validate_document_upload],
        help_text="The text itself: PDF, DOCX, ODT or plain text.",
    )
    is_listed = models.BooleanField("listed", default=False, help_text=LISTED_HELP)

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        ordering = [models.F("date").desc(nulls_last=True), "title"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return address("newsroom:document_detail", slug=self.slug)

    @property
    def local_title(self):
        return localised(self, "title")

    def natural_key(self):
        return (self.slug,)

    @property
    def date_display(self):
        return format_partial_date(self.date, self.date_precision)

    @staticmethod
    def public_condition(now):
        return Q(is_listed=True) | reached_through(Document, public_release("releases__", now))


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
    name_ru = models.CharField(
        "name (Russian)", max_length=255, blank=True, help_text=TRANSLATION_HELP
    )
    name_zh_hans = models.CharField(
        "name (Chinese)", max_length=255, blank=True, help_text=TRANSLATION_HELP
    )
    slug = models.SlugField(max_length=100, unique=True)
    photo = UploadedImageField(upload_to=RandomName("people"), blank=True)
    biography = models.TextField(blank=True)
    is_listed = models.BooleanField("listed", default=False, help_text=LISTED_HELP)

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "people"

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return address("newsroom:person_detail", slug=self.slug)

    @property
    def local_name(self):
        return localised(self, "name")

    @staticmethod
    def public_condition(now):
        """Listed, named by a public release, or holding an office one names on its date."""
        participation = "appointments__office__participations__"
        return (
            Q(is_listed=True)
            | reached_through(Person, public_release("participations__release__", now))
            | reached_through(
                Person,
                Q(**{f"{participation}person__isnull": True})
                & public_release(f"{participation}release__", now)
                & Q(**{f"{participation}release__dateline_date__isnull": False})
                & held_on(F(f"{participation}release__dateline_date"), prefix="appointments__"),
            )
        )

    def named_in(self):
        """``Q`` for the releases that name this person.

        By name, or by an office given without a person on a date (the
        dateline's) when this person held it: the release's side of
        ``public_condition``, and the SQL form of ``Participant.resolved_person``.
        """
        appointment = "participants__office__appointments__"
        return Q(participants__person=self) | (
            Q(participants__person__isnull=True)
            & Q(**{f"{appointment}person": self})
            & Q(dateline_date__isnull=False)
            & held_on(F("dateline_date"), prefix=appointment)
        )

    def office_on(self, day):
        """The office this person held on ``day``, if their appointments name exactly one.

        The person's side of ``Office.holder_on``. Reads ``appointments.all()``
        so that a prefetched list costs no query.
        """
        if day is None:
            return None
        offices = {
            appointment.office for appointment in self.appointments.all() if appointment.covers(day)
        }
        return offices.pop() if len(offices) == 1 else None

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
    title_ru = models.CharField(
        "title (Russian)", max_length=255, blank=True, help_text=TRANSLATION_HELP
    )
    title_zh_hans = models.CharField(
        "title (Chinese)", max_length=255, blank=True, help_text=TRANSLATION_HELP
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

    @property
    def local_title(self):
        return localised(self, "title")

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
        """Whether the person held the office on ``day``; ``held_on`` is the SQL form."""
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)
