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
   with the user and a comment;
7. announces ``public_content_changed`` when the public could see the
   release before or after, and ``embargo_changed`` when a scheduled time
   was set or moved.

A failure anywhere rolls all of it back. Links are callables that take the
saved release; this module makes the usual ones (``organisations``,
``participants``, ...). Nothing outside this module writes release content.
"""

import reversion
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from newsroom.dates import format_site_time
from newsroom.models import (
    Participant,
    Photo,
    PressRelease,
    PressReleaseTransition,
    StaleRelease,
    WorkingCopy,
)

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


def save_release(release, *, by, comment="", links=(), step=None, at=None, now=None):
    """Write ``release`` as it stands, its ``links`` and an optional workflow ``step``.

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
        # A release scheduled ahead is not "updated" before it first appears.
        updated_at = max(now, release.publish_at) if release.is_scheduled(now=now) else now
        if release._state.adding:
            release.updated_at = updated_at
        release.save(by=by, now=updated_at)
        for link in links:
            link(release)
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
