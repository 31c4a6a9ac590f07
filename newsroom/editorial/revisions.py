"""Revisions of releases: what each one held, how two differ, and restoring one.

Every save of a release stores a django-reversion revision that follows its
participants, photos and tags, so a revision is a full picture of the release as an
editor saw it. Restoring never touches a live release: its old content comes
back as a separate draft that replaces the live one only when published.
"""

import difflib
import re
import uuid
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.utils.html import strip_tags
from django.utils.text import slugify
from reversion.models import Version
from taggit.models import Tag

from newsroom.models import (
    Office,
    Organisation,
    Participant,
    Person,
    Photo,
    PressRelease,
    Topic,
    language_name,
)

from . import editing, transitions

COMPARED = [
    ("title", "Title"),
    ("lead", "Lead"),
    ("body", "Body text"),
    ("participants", "Participants"),
    ("tags", "Topics"),
    ("organisations", "Organisations"),
]


def body_lines(html):
    """The body as readable lines of text, one per paragraph or list item."""
    blocks = re.split(r"</(?:p|li|h[2-4]|blockquote|tr|figcaption)>|<br\s*/?>", html or "")
    return [line for line in (" ".join(strip_tags(b).split()) for b in blocks) if line]


@dataclass
class Snapshot:
    """A release's comparable content as plain lines of text."""

    title: list
    lead: list
    body: list
    participants: list
    tags: list
    organisations: list


def release_versions(release):
    """The revisions of ``release``, newest first, with who saved them."""
    return Version.objects.get_for_object(release).select_related("revision__user")


def _participant_lines(rows):
    people = Person.objects.in_bulk([row["person_id"] for row in rows if row.get("person_id")])
    offices = Office.objects.select_related("organisation").in_bulk(
        [row["office_id"] for row in rows if row.get("office_id")]
    )
    lines = []
    for row in sorted(rows, key=lambda row: (row.get("order") or 0, row.get("id") or 0)):
        person = people.get(row.get("person_id"))
        office = offices.get(row.get("office_id"))
        parts = [person.name if person else "", str(office) if office else ""]
        role = Participant.Role(row["role"]).label if row.get("role") else ""
        lines.append(", ".join(filter(None, parts)) + (f" ({role.lower()})" if role else ""))
    return lines


def _related_rows(version, model):
    """Field values of the ``model`` objects saved in the same revision as ``version``."""
    content_type = ContentType.objects.get_for_model(model)
    rows = []
    for related in version.revision.version_set.all():
        if related.content_type_id == content_type.pk:
            rows.append({"id": int(related.object_id), **related.field_dict})
    if model in (Participant, Photo):
        rows = [row for row in rows if str(row["release_id"]) == version.object_id]
    return rows


def _topic_names(version):
    """The topics saved in the same revision as ``version``.

    Revisions made before topics became the project's own model hold taggit's
    tags; their names are read the same way.
    """
    return [row["name"] for model in (Topic, Tag) for row in _related_rows(version, model)]


def snapshot_of_version(version):
    fields = version.field_dict
    participants = _related_rows(version, Participant)
    tags = sorted(_topic_names(version))
    organisations = sorted(
        str(o) for o in Organisation.objects.filter(pk__in=list(fields.get("organisations") or []))
    )
    return Snapshot(
        title=[fields.get("title", "")],
        lead=[fields.get("lead", "")],
        body=body_lines(fields.get("body", "")),
        participants=_participant_lines(participants),
        tags=tags,
        organisations=organisations,
    )


def snapshot_of_saved_version(release, version_number, *, search=50):
    """The snapshot of ``release`` as it was at ``version_number``, if a recent revision has it.

    Every write records a revision holding the version it saved, so the
    content an editor loaded can be found again after someone else saved.
    """
    if version_number is None:
        return None
    for version in release_versions(release)[:search]:
        if version.field_dict.get("version") == version_number:
            return snapshot_of_version(version)
    return None


def snapshot_of_values(*, title, lead, body, tags=(), participants=(), organisations=()):
    """A snapshot of content not stored in a revision, e.g. a refused form."""
    return Snapshot(
        title=[title or ""],
        lead=[lead or ""],
        body=body_lines(body),
        participants=list(participants),
        tags=sorted(tags),
        organisations=sorted(organisations),
    )


def snapshot_of_release(release):
    participants = [
        {
            "id": p.pk,
            "person_id": p.person_id,
            "office_id": p.office_id,
            "role": p.role,
            "order": p.order,
        }
        for p in release.participants.all()
    ]
    return snapshot_of_values(
        title=release.title,
        lead=release.lead,
        body=release.body,
        tags=[tag.name for tag in release.tags.all()],
        participants=_participant_lines(participants),
        organisations=[str(o) for o in release.organisations.all()],
    )


@dataclass
class FieldDiff:
    label: str
    lines: list  # (kind, text) with kind in "same", "removed", "added"

    @property
    def changed(self):
        return any(kind != "same" for kind, _text in self.lines)


def diff_snapshots(old, new):
    """A readable line diff of each compared field, from ``old`` to ``new``."""
    diffs = []
    for attribute, label in COMPARED:
        lines = [
            ({"- ": "removed", "+ ": "added"}.get(line[:2], "same"), line[2:])
            for line in difflib.ndiff(getattr(old, attribute), getattr(new, attribute))
            if not line.startswith("? ")
        ]
        diffs.append(FieldDiff(label, lines))
    return diffs


def restore_revision(release, version, by):
    """Bring back the content of ``version``; returns the release that now holds it.

    A release readers can see (or will see at its scheduled time) stays as it
    is; the old content becomes a new draft, a working copy, that replaces it
    when published. Anything else takes the old content in place.
    """
    if int(version.object_id) != release.pk:
        raise PermissionDenied("That revision belongs to another release.")
    if not transitions.can_edit(release, by):
        raise PermissionDenied("You may not edit this release.")
    fields = version.field_dict
    links = [
        editing.organisations(fields.get("organisations") or []),
        editing.documents(fields.get("documents") or []),
        editing.topics(_topic_names(version)),
        editing.participants(_surviving_participants(_related_rows(version, Participant))),
        editing.photos(_photo_rows(version, release)),
    ]
    if release.status == PressRelease.Status.PUBLISHED:
        target = PressRelease(
            slug=_draft_slug(release.slug),
            language=release.language,
            translation_group=uuid.uuid4(),
            created_by=by,
        )
        links.append(editing.working_copy_of(release, restored_from=version.revision.date_created))
    else:
        target = release
    for field in editing.CONTENT_FIELDS:
        if field in fields:
            setattr(target, field, fields[field])
    return editing.save_release(
        target, by=by, comment=editing.describe_restore(version), links=links
    )


def _photo_rows(version, release):
    """The photos a revision recorded; revisions from before photos were recorded keep the
    release's present photos rather than dropping them."""
    rows = _related_rows(version, Photo)
    if not rows:
        return list(release.photos.values(*editing.PHOTO_FIELDS))
    # A revision holds the image as a stored file; the new row points at the same file.
    return [
        {field: getattr(row[field], "name", row[field]) for field in editing.PHOTO_FIELDS}
        for row in rows
    ]


def _surviving_participants(rows):
    """Participant rows whose person or office still exists (deleted ones cannot come back)."""
    people = Person.objects.in_bulk([row["person_id"] for row in rows if row.get("person_id")])
    offices = Office.objects.in_bulk([row["office_id"] for row in rows if row.get("office_id")])
    return [
        {
            "person_id": row["person_id"] if row.get("person_id") in people else None,
            "office_id": row["office_id"] if row.get("office_id") in offices else None,
            "role": row["role"],
            "order": row["order"],
        }
        for row in rows
        if row.get("person_id") in people or row.get("office_id") in offices
    ]


def _draft_slug(slug):
    suffix = f"-draft-{uuid.uuid4().hex[:8]}"
    return slugify(slug)[: 200 - len(suffix)] + suffix


@dataclass
class OriginalChanges:
    """What changed in a version's original since the version was last saved against it."""

    original: object
    language: str  # the original's, by name
    since: object  # when the original held the content the version follows, if known
    diffs: list  # the changed fields, as ``FieldDiff``


# Beyond the compared snapshot, what a translation follows and readers see.
FOLLOWED_FIELDS = [
    ("dateline_place", "Dateline place"),
    ("dateline_date", "Dateline date"),
    ("correction_note", "Correction note"),
]


def original_changes(release, *, search=100):
    """``OriginalChanges`` for a version whose original changed, else ``None``.

    The original's revisions record its content version, so the newest revision
    at or below the one the version caught up with is the content it follows; the
    diff runs from there to the original as it stands. An original older than its
    revisions kept shows as changed with no diff.
    """
    if not release.is_out_of_date():
        return None
    original = release.translated_from
    seen = release.original_content_version or 0
    follows = next(
        (
            version
            for version in release_versions(original)[:search]
            if version.field_dict.get("content_version", 1) <= seen
        ),
        None,
    )
    if follows is None:
        return OriginalChanges(
            original=original, language=language_name(original.language), since=None, diffs=[]
        )
    diffs = diff_snapshots(snapshot_of_version(follows), snapshot_of_release(original))
    fields = follows.field_dict
    for name, label in FOLLOWED_FIELDS:
        old, new = fields.get(name), getattr(original, name)
        if old != new:
            lines = [("removed", str(old or "")), ("added", str(new or ""))]
            diffs.append(FieldDiff(label, lines))
    return OriginalChanges(
        original=original,
        language=language_name(original.language),
        since=follows.revision.date_created,
        diffs=[diff for diff in diffs if diff.changed],
    )
