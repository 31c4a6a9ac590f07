"""The one write path for release content (docs/architecture.md, "The write path").

Every change to a release goes through ``save_release``: the admin form and
its inlines, workflow steps and bulk actions, the importer, suggested links,
restoring a revision, publishing a working copy and the demo builder. In one
transaction it

1. locks the stored row and refuses a stale copy (``StaleRelease``);
2. applies the workflow step, if any, to the fields;
3. saves the fields, raising ``version`` once;
4. writes the links (organisations, documents, topics, participants, photos);
5. checks what a publication needs, against the links as now stored;
6. records the step in the audit trail and one revision, after the links,
   with the user and a comment; raises ``content_version`` when what
   translations follow changed;
7. announces ``public_content_changed`` when the public could see the
   release before or after, and ``embargo_changed`` when a scheduled time
   was set or moved.

A failure anywhere rolls all of it back. Links are callables that take the
saved release; this module makes the usual ones (``organisations``,
``participants``, ...). Nothing outside this module writes release content.
"""

import json

import reversion
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, router, transaction
from django.db.models import Max
from django.utils import timezone
from reversion.models import Revision, Version
from reversion.revisions import _get_options as reversion_options

from newsroom import permissions
from newsroom.dates import format_site_time
from newsroom.models import (
    Document,
    Office,
    Organisation,
    Participant,
    Person,
    Photo,
    PressRelease,
    PressReleaseTransition,
    StaleRelease,
    TaggedTopic,
    Topic,
    WorkingCopy,
    language_name,
)
from newsroom.text import normalise_instance, normalise_text

from . import transitions
from .signals import announce, embargo_changed, public_content_changed, step_taken

# The fields of a release that a revision restores and a working copy carries.
CONTENT_FIELDS = [
    "kind",
    "title",
    "lead",
    "body",
    "dateline_place",
    "dateline_date",
    "correction_note",
]
PHOTO_FIELDS = ["image", "caption", "credit", "alt_text", "order"]
PARTICIPANT_FIELDS = ["person_id", "office_id", "role", "order"]
# What a translation follows: the fields readers read in the version's own words. A
# change to any of them, or to what the versions share (``_shared_links``), puts the
# versions translated from the release out of date; a status step changes none.
TRANSLATED_FIELDS = [field for field in CONTENT_FIELDS if field != "kind"]


def save_release(
    release, *, by, comment="", links=(), step=None, at=None, now=None, caught_up_with=None
):
    """Write ``release`` as it stands, its ``links`` and an optional workflow ``step``.

    ``caught_up_with`` is the content version of the release's original that the
    person saving reviewed this version against (the admin form shows its changes):
    the version is in step with its original again up to that content.

    Returns the saved release. Raises ``StaleRelease`` when someone saved
    it since this copy was loaded, and ``PermissionDenied`` or
    ``ValidationError`` when the step may not be taken; nothing is written then.
    """
    now = now or timezone.now()
    with transaction.atomic(), reversion.create_revision(manage_manually=True):
        stored = _lock(release)
        was_public = stored is not None and stored.is_public(now=now)
        was_due = stored.publish_at if stored is not None and stored.is_scheduled(now) else None
        from_status = stored.status if stored is not None else release.status
        recorded = comment
        if step is not None:
            transitions.check(release, step, by, comment=comment, at=at, now=now)
            recorded = transitions.apply(release, step, comment=comment, at=at, now=now)
        if stored is not None:
            release.content_version = stored.content_version + _text_changed(stored, release)
            release.original_content_version = stored.original_content_version
        if caught_up_with is not None and release.translated_from_id is not None:
            release.original_content_version = caught_up_with
        # What the versions share changes through links; only a release that has
        # translations needs to know.
        shared = None
        if (
            stored is not None
            and links
            and PressRelease.objects.filter(translated_from=release.pk).exists()
        ):
            shared = _shared_links(release)
        # A release scheduled ahead is not "updated" before it first appears.
        updated_at = max(now, release.publish_at) if release.is_scheduled(now=now) else now
        if release._state.adding:
            release.updated_at = updated_at
        release.save(by=by, now=updated_at)
        for link in links:
            link(release)
        if (
            shared is not None
            and release.content_version == stored.content_version
            and _shared_links(release) != shared
        ):
            release.content_version += 1
            PressRelease.objects.filter(pk=release.pk).update(
                content_version=release.content_version
            )
        if step == "publish":
            transitions.check_publishable(release, at=at, now=now)
        if step is not None:
            PressReleaseTransition.objects.create(
                release=release,
                from_status=from_status,
                to_status=release.status,
                by=by,
                at=now,
                comment=recorded,
            )
            transaction.on_commit(
                lambda: step_taken.send(
                    sender=None, release=release, step=step, by=by, comment=recorded
                )
            )
        reversion.set_user(by)
        reversion.set_comment(
            recorded or (transitions.TRANSITIONS[step].label if step else "") or "Saved"
        )
        reversion.add_to_revision(release)
        if was_public or release.is_public(now=now):
            announce(public_content_changed, release=release)
        due = release.publish_at if release.is_scheduled(now=now) else None
        if due != was_due:
            announce(embargo_changed, release=release)
    return release


def _text_changed(stored, release):
    """Whether ``release`` differs from ``stored`` in what its translations follow."""
    if all(getattr(stored, f) == getattr(release, f) for f in TRANSLATED_FIELDS):
        return False
    # Compare as the save will store it: normalised, the body sanitised.
    normalise_instance(PressRelease, release)
    return any(getattr(stored, f) != getattr(release, f) for f in TRANSLATED_FIELDS)


def _shared_links(release):
    """What the versions of a release share, as comparable values."""
    return (
        sorted(release.organisations.values_list("pk", flat=True)),
        sorted(release.documents.values_list("pk", flat=True)),
        sorted(release.tags.values_list("name", flat=True)),
        list(release.participants.order_by("order", "pk").values_list(*PARTICIPANT_FIELDS)),
        list(release.photos.order_by("order", "pk").values_list("image", "credit", "order")),
    )


def _lock(release):
    """The stored row, locked for this transaction; ``None`` for a new release."""
    if release._state.adding:
        return None
    stored = PressRelease.objects.select_for_update().filter(pk=release.pk).first()
    if stored is None:
        raise PressRelease.DoesNotExist(f"The release “{release}” no longer exists.")
    if stored.version != release.version:
        raise StaleRelease(stored)
    return stored


def take_step(release, name, by, *, comment="", at=None, now=None):
    """Take workflow step ``name``; returns the release that now holds the content.

    Publishing a working copy puts its content onto the live release it was
    made from and returns that live release.
    """
    if name == "publish" and release.replaces() is not None:
        return publish_working_copy(release, by, comment=comment, at=at, now=now)
    return save_release(release, by=by, comment=comment, step=name, at=at, now=now)


def publish_working_copy(draft, by, *, comment="", at=None, now=None):
    """Put the content of ``draft`` onto the live release it replaces, and remove the draft."""
    now = now or timezone.now()
    with transaction.atomic():
        _lock(draft)
        transitions.check(draft, "publish", by, comment=comment, at=at, now=now)
        transitions.check_publishable(draft, at=at, now=now)
        live = PressRelease.objects.select_for_update().get(pk=draft.replaces().pk)
        if at is None and live.is_scheduled(now=now):
            at = live.publish_at
        note = " ".join(filter(None, [f"Published the restored draft “{draft.title}”.", comment]))
        for field in CONTENT_FIELDS:
            setattr(live, field, getattr(draft, field))
        links = content_links_of(draft)
        if live.is_public(now=now) and at is None:
            # A correction of what is live: the status stays, the trail says what happened.
            save_release(live, by=by, comment=note, links=links, now=now)
            PressReleaseTransition.objects.create(
                release=live,
                from_status=live.status,
                to_status=live.status,
                by=by,
                at=now,
                comment=note,
            )
        else:
            save_release(live, by=by, comment=note, links=links, step="publish", at=at, now=now)
        draft.delete()
    return live


# Versions in other languages ---------------------------------------------------


def missing_languages(release):
    """The site's languages the group of ``release`` has no version in, as (code, name)."""
    taken = set(release.versions().values_list("language", flat=True))
    return [(code, language_name(code)) for code, _name in settings.LANGUAGES if code not in taken]


def translation_slug(original, language):
    """The address of a new version: the original's, with the language, unique."""
    base = f"{original.slug[: 200 - len(language) - 5]}-{language}"
    slug, number = base, 2
    while PressRelease.objects.filter(slug=slug).exists():
        slug, number = f"{base}-{number}", number + 1
    return slug


def add_translation(original, language, *, by, now=None):
    """A new draft of ``original`` in ``language``, in its group; returns it.

    The draft shares what the versions share: kind, dateline, organisations,
    documents, topics, participants and photos (the files with their credits and
    order). Its own words start empty for the translator to write: title, lead,
    body, and the photos' captions and alternative texts. Its original is
    ``original``, at its present content version.
    """
    if by is None or not by.has_perm(permissions.ADD_RELEASE):
        raise PermissionDenied("You may not add releases.")
    if original.replaces() is not None:
        raise ValidationError(
            "A draft restored from a revision is not translated: translate the live release.",
            code="working_copy",
        )
    if language not in dict(missing_languages(original)):
        raise ValidationError(
            f"“{original}” already has a version in {language_name(language)}, or the site "
            "has no such language.",
            code="language",
        )
    release = PressRelease(
        kind=original.kind,
        title="",
        slug=translation_slug(original, language),
        dateline_place=original.dateline_place,
        dateline_date=original.dateline_date,
        language=language,
        translation_group=original.translation_group,
        translated_from=original,
        original_content_version=original.content_version,
        created_by=by,
    )
    photo_rows = [
        {**row, "caption": "", "alt_text": ""} for row in original.photos.values(*PHOTO_FIELDS)
    ]
    links = [*content_links_of(original)[:4], photos(photo_rows)]
    try:
        return save_release(
            release,
            by=by,
            comment=f"Translation of “{original}” into {language_name(language)} added.",
            links=links,
            now=now,
        )
    except IntegrityError:
        # Someone added this language at the same moment.
        raise ValidationError(
            f"“{original}” already has a version in {language_name(language)}.",
            code="language",
        ) from None


def version_label(release):
    """How a message names one version of a group: The Russian version “…”."""
    return f"The {language_name(release.language)} version “{release}”"


def group_members(release, name, now=None):
    """The versions of ``release``'s group, this one included, that step ``name`` applies to.

    A group is published or scheduled together from the versions not yet public
    (drafts, in review and scheduled), and withdrawn from those public or scheduled.
    """
    now = now or timezone.now()
    sources = transitions.TRANSITIONS[name].sources
    if release.pk is None:
        versions = [release]
    else:
        versions = [release if v.pk == release.pk else v for v in release.versions()]
    return [version for version in versions if version.workflow_state(now=now) in sources]


GROUP_STEPS = ("publish", "withdraw")


class GroupStepRefused(transitions.TransitionInvalid):
    """A version of the group may not take the step, so none of them does."""


def group_refusals(
    release, name, by, *, comment="", at=None, now=None, organisations=None, own_content=True
):
    """Why step ``name`` may not be taken on the group of ``release``, one line per version.

    Each version is checked as a single release is; ``organisations`` stands in for
    the stored ones of ``release`` when a form changes them together with the step.
    With ``own_content`` false, what ``release`` needs to be published is left to
    the write, which checks it once its links are written.
    """
    now = now or timezone.now()
    if name not in GROUP_STEPS:
        return [f"“{name}” is not taken by a group of versions."]
    members = group_members(release, name, now=now)
    if not members:
        return [f"No version of “{release}” can be {transitions.TRANSITIONS[name].past}."]
    refusals = []
    for member in members:
        try:
            transitions.check(member, name, by, comment=comment, at=at, now=now)
            if name == "publish" and (own_content or member is not release):
                transitions.check_publishable(
                    member,
                    at=at,
                    now=now,
                    organisations=organisations if member is release else None,
                )
        except (PermissionDenied, ValidationError) as error:
            refusals.append(f"{version_label(member)}: {_text_of(error)}")
    return refusals


def take_group_step(
    release, name, by, *, comment="", at=None, now=None, links=(), caught_up_with=None
):
    """Take ``name`` ("publish" or "withdraw") on every version of ``release``'s group.

    The versions the step applies to (``group_members``) take it in one
    transaction, each through ``take_step`` with the same comment and time, so a
    scheduled group shares one embargo time and each version is checked, recorded
    and announced as a single step. If any version may not take it, none does:
    ``GroupStepRefused`` names each one and why. ``links`` are the form's links of
    ``release``, saved with its own step or, when the step does not apply to it, alone.
    Returns the versions that took the step.
    """
    now = now or timezone.now()
    with transaction.atomic():
        _lock(release)
        if release.replaces() is not None:
            raise GroupStepRefused(
                "A draft restored from a revision is published on its own.", code="working_copy"
            )
        members = group_members(release, name, now=now)
        refusals = group_refusals(
            release, name, by, comment=comment, at=at, now=now, own_content=not links
        )
        if refusals:
            raise GroupStepRefused(_refused(name, refusals), code="group")
        done = []
        if release not in members:
            save_release(release, by=by, links=links, now=now, caught_up_with=caught_up_with)
        for member in members:
            try:
                if member is release:
                    save_release(
                        release,
                        by=by,
                        comment=comment,
                        links=links,
                        step=name,
                        at=at,
                        now=now,
                        caught_up_with=caught_up_with,
                    )
                else:
                    member = take_step(member, name, by, comment=comment, at=at, now=now)
            except (PermissionDenied, ValidationError) as error:
                raise GroupStepRefused(
                    _refused(name, [f"{version_label(member)}: {_text_of(error)}"]),
                    code="group",
                ) from error
            done.append(member)
    return done


def _refused(name, refusals):
    past = transitions.TRANSITIONS[name].past
    return f"No version was {past}. " + " ".join(refusals)


def _text_of(error):
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error) or "You may not do that."


# Links: each takes the saved release and writes one kind of link. --------


def organisations(items):
    return lambda release: release.organisations.set(items)


def add_organisations(items):
    return lambda release: release.organisations.add(*items)


def documents(items):
    return lambda release: release.documents.set(items)


def topics(names):
    return lambda release: release.tags.set(list(names))


def participants(rows):
    """Replace the participants with ``rows`` (mappings of ``PARTICIPANT_FIELDS``)."""
    rows = list(rows)

    def write(release):
        release.participants.all().delete()
        Participant.objects.bulk_create(
            Participant(release=release, **{field: row[field] for field in PARTICIPANT_FIELDS})
            for row in rows
        )

    return write


def participant_rows(links, *, start=1):
    """Rows for ``participants`` from recognised links (``person``, ``office``, ``role``)."""
    return [
        {
            "person_id": link.person.pk if link.person else None,
            "office_id": link.office.pk if link.office else None,
            "role": link.role,
            "order": order,
        }
        for order, link in enumerate(links, start=start)
    ]


def add_participants(links):
    """Add recognised participants after the present ones."""
    links = list(links)

    def write(release):
        last = release.participants.aggregate(last=Max("order"))["last"] or 0
        Participant.objects.bulk_create(
            Participant(release=release, **row) for row in participant_rows(links, start=last + 1)
        )

    return write


def photos(rows):
    """Replace the photos with ``rows`` (mappings of ``PHOTO_FIELDS``); files are shared."""
    rows = list(rows)

    def write(release):
        release.photos.all().delete()
        Photo.objects.bulk_create(
            Photo(release=release, **{field: row[field] for field in PHOTO_FIELDS}) for row in rows
        )

    return write


def working_copy_of(live, *, restored_from):
    return lambda draft: WorkingCopy.objects.create(
        draft=draft, live=live, restored_from=restored_from
    )


def content_links_of(source):
    """Links that give a release the organisations, documents, topics, people and photos of
    ``source``, read now."""
    return [
        organisations(list(source.organisations.all())),
        documents(list(source.documents.all())),
        topics([tag.name for tag in source.tags.all()]),
        participants(source.participants.values(*PARTICIPANT_FIELDS)),
        photos(source.photos.values(*PHOTO_FIELDS)),
    ]


def form_links(form, formsets, save_formset):
    """The links an admin form and its inline formsets write, in the admin's order."""
    return [
        lambda release: form.save_m2m(),
        *(lambda release, formset=formset: save_formset(formset) for formset in formsets),
    ]


def describe_restore(version):
    return f"Restored the revision of {format_site_time(version.revision.date_created)}."


# Many new releases at once --------------------------------------------------

BULK_LINKS = ("organisations", "documents", "topics", "participants", "photos")
BULK_STATUSES = (
    PressRelease.Status.DRAFT,
    PressRelease.Status.IN_REVIEW,
    PressRelease.Status.PUBLISHED,
)


def create_releases_in_bulk(rows, *, by, now=None, comment="Created in bulk."):
    """Create new releases with their links in one transaction; returns them.

    For data made or loaded by the thousand (``generate_releases``), where a
    ``save_release`` per release would take hours. ``rows`` are mappings of release
    fields, with the links ``organisations`` and ``documents`` (records or primary
    keys), ``topics`` (names), ``participants`` (mappings of ``PARTICIPANT_FIELDS``)
    and ``photos`` (mappings of ``PHOTO_FIELDS``; files are shared, nothing is
    uploaded). A row whose ``status`` is ``published`` is published as the
    ``publish`` step would be, at its ``publish_at``: now if it gives none; an earlier
    time backdates the publication, a later one schedules it. ``by`` must be allowed to
    publish and the row must have what a publication needs. Drafts and releases in
    review are written as they are.

    What ``save_release`` does for one release, done here for all of them with
    ``bulk_create``: text normalised and the body sanitised as a save would
    (``bulk_create`` sends no ``pre_save``), version 1, the publication in the
    audit trail, and one revision per release holding the release with its
    participants, photos and topics, serialised as django-reversion serialises them;
    then one announcement of ``public_content_changed`` when any of them is public,
    and of ``embargo_changed`` when any is scheduled. Only new releases: nothing
    stored is locked or changed, so there is no stale copy to refuse. A failure
    rolls the whole batch back.
    """
    now = now or timezone.now()
    using = router.db_for_write(PressRelease)
    rows = list(rows)
    with transaction.atomic(using=using):
        organisations = _records(Organisation, rows, "organisations")
        documents = _records(Document, rows, "documents")
        tags = _tags_named(name for row in rows for name in row.get("topics", ()))
        links = [
            {
                "organisations": _in_order(organisations, _keys(row, "organisations")),
                "documents": _in_order(documents, _keys(row, "documents")),
                "tags": list(
                    {
                        tags[_tag_key(n)].pk: tags[_tag_key(n)] for n in row.get("topics", ())
                    }.values()
                ),
            }
            for row in rows
        ]
        releases = [
            _new_release(row, by=by, now=now, organisations=linked["organisations"])
            for row, linked in zip(rows, links, strict=True)
        ]
        PressRelease.objects.bulk_create(releases)
        for name in ("organisations", "documents"):
            field = PressRelease._meta.get_field(name)
            through = field.remote_field.through
            source, target = f"{field.m2m_field_name()}_id", f"{field.m2m_reverse_field_name()}_id"
            through.objects.bulk_create(
                through(**{source: release.pk, target: record.pk})
                for release, linked in zip(releases, links, strict=True)
                for record in linked[name]
            )
        TaggedTopic.objects.bulk_create(
            TaggedTopic(content_object=release, tag=tag)
            for release, linked in zip(releases, links, strict=True)
            for tag in linked["tags"]
        )
        participants = _children(Participant, PARTICIPANT_FIELDS, releases, rows, "participants")
        _attach_people(participants)
        Participant.objects.bulk_create(participants)
        photos = _children(Photo, PHOTO_FIELDS, releases, rows, "photos")
        Photo.objects.bulk_create(photos)
        PressReleaseTransition.objects.bulk_create(
            PressReleaseTransition(
                release=release,
                from_status=PressRelease.Status.DRAFT,
                to_status=release.status,
                by=by,
                at=now,
                comment=comment,
            )
            for release in releases
            if release.status == PressRelease.Status.PUBLISHED
        )
        _bulk_revisions(
            releases, links, participants, photos, by=by, now=now, comment=comment, using=using
        )
        if any(release.is_public(now=now) for release in releases):
            announce(public_content_changed)
        if any(release.is_scheduled(now=now) for release in releases):
            announce(embargo_changed)
    return releases


def _keys(row, name):
    return list(dict.fromkeys(getattr(item, "pk", item) for item in row.get(name, ())))


def _records(model, rows, name):
    """The ``model`` records the rows link to, by key, in the model's own order.

    That order is the one a release's links are read in (and a revision lists them in).
    """
    keys = {key for row in rows for key in _keys(row, name)}
    records = {record.pk: record for record in model.objects.filter(pk__in=keys)}
    if missing := keys - set(records):
        raise model.DoesNotExist(
            f"No {model._meta.verbose_name} has the key {', '.join(map(str, sorted(missing)))}."
        )
    return records


def _in_order(records, keys):
    wanted = set(keys)
    return [record for key, record in records.items() if key in wanted]


def _tag_key(name):
    # Names are matched regardless of case, as taggit does with TAGGIT_CASE_INSENSITIVE.
    return normalise_text(name).strip().lower()


def _tags_named(names):
    tags = {}
    for name in names:
        name = normalise_text(name).strip()
        if name and _tag_key(name) not in tags:
            tags[_tag_key(name)] = Topic.objects.filter(
                name__iexact=name
            ).first() or Topic.objects.create(name=name)
    return tags


def _new_release(row, *, by, now, organisations):
    fields = {key: value for key, value in row.items() if key not in BULK_LINKS}
    status = fields.pop("status", PressRelease.Status.DRAFT)
    if status not in BULK_STATUSES:
        raise transitions.TransitionInvalid(
            f"Releases are created as drafts, in review or published, not as “{status}”.",
            code="state",
        )
    fields.setdefault("created_by", by)
    release = PressRelease(**fields)
    release.version = 1
    normalise_instance(PressRelease, release)
    if status == PressRelease.Status.PUBLISHED:
        transitions.check(release, "publish", by, now=now)
        release.status = status
        release.publish_at = release.publish_at or now
        release.first_published_at = release.first_published_at or release.publish_at
        transitions.check_publishable(release, organisations=organisations, now=now)
    else:
        release.status = status
    # A release scheduled ahead is not "updated" before it first appears.
    if "updated_at" not in fields:
        release.updated_at = max(now, release.publish_at) if release.is_scheduled(now) else now
    if "created_at" not in fields:
        release.created_at = now
    return release


def _children(model, names, releases, rows, key):
    children = []
    for release, row in zip(releases, rows, strict=True):
        for values in row.get(key, ()):
            child = model(
                release=release, **{name: values[name] for name in names if name in values}
            )
            normalise_instance(model, child)
            children.append(child)
    return children


def _attach_people(participants):
    """Give participants their person and office, read once, for the revision's names."""
    people = Person.objects.in_bulk({p.person_id for p in participants if p.person_id})
    offices = Office.objects.select_related("organisation").in_bulk(
        {p.office_id for p in participants if p.office_id}
    )
    for participant in participants:
        if participant.person_id in people:
            participant.person = people[participant.person_id]
        if participant.office_id in offices:
            participant.office = offices[participant.office_id]


def _bulk_revisions(releases, links, participants, photos, *, by, now, comment, using):
    """One revision per release, holding what ``reversion.create_revision`` would hold.

    django-reversion keeps Django's JSON serialisation of each object in ``Version``;
    the registration (``PressRelease``: every field but ``tags``, following
    participants, photos and topics) decides the fields and what is followed. A
    topic's serialisation is the same in every revision, so it is made once.
    """
    revisions = Revision.objects.using(using).bulk_create(
        Revision(date_created=now, user=by, comment=comment) for _release in releases
    )
    followed = {release.pk: [] for release in releases}
    for child in (*participants, *photos):
        followed[child.release_id].append(child)
    serialised_tags = {}
    versions = []
    for release, linked, revision in zip(releases, links, revisions, strict=True):
        versions.append(_version(release, revision, using, _serialise_release(release, linked)))
        versions.extend(_version(child, revision, using) for child in followed[release.pk])
        for tag in linked["tags"]:
            if tag.pk not in serialised_tags:
                serialised_tags[tag.pk] = _serialise(tag)
            versions.append(_version(tag, revision, using, serialised_tags[tag.pk]))
    Version.objects.using(using).bulk_create(versions)


def _serialise(obj):
    options = reversion_options(type(obj))
    return serializers.serialize(
        options.format,
        (obj,),
        fields=options.fields,
        use_natural_foreign_keys=options.use_natural_foreign_keys,
    )


def _serialise_release(release, linked):
    """What ``_serialise`` makes of ``release``, with its links known rather than queried.

    Django's serialiser reads each many-to-many field with a query of its own; the
    links were just written, so their keys are put in, after the other fields as
    the serialiser orders them, and the JSON made as its JSON serialiser makes it.
    """
    options = reversion_options(PressRelease)
    many = [f.name for f in PressRelease._meta.local_many_to_many if f.name in options.fields]
    if options.format != "json" or options.use_natural_foreign_keys:
        raise ValueError("Releases are registered for revisions in JSON with primary keys.")
    [data] = serializers.serialize(
        "python", (release,), fields=[name for name in options.fields if name not in many]
    )
    for name in many:
        data["fields"][name] = [record.pk for record in linked[name]]
    return json.dumps([data], cls=DjangoJSONEncoder, ensure_ascii=False)


def _version(obj, revision, using, serialised=None):
    options = reversion_options(type(obj))
    return Version(
        revision=revision,
        content_type=ContentType.objects.db_manager(using).get_for_model(type(obj)),
        object_id=str(getattr(obj, options.object_id_field)),
        db=using,
        format=options.format,
        serialized_data=serialised or _serialise(obj),
        object_repr=str(obj),
    )
