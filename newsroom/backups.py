"""Backups that restore: all content in one archive file, and back onto an empty database.

An archive is a tar file, gzip-compressed when its name ends in ``.tar.gz`` or ``.tgz``:

- ``data/NN-<app>.<model>.jsonl``: the records of one model in Django's JSON Lines form, in the
  order they are loaded. Primary keys are kept, so revisions (whose stored data names rows
  by id), tagged items and every link stay right. Content types, permissions and groups are
  named by natural key instead: each database numbers them its own way.
- ``media/<name>``: every file a record names (logos, document files, portraits, photos) and
  the files of photos that only an old revision still names, when they are stored.
- ``manifest.json``, the last member: the format and its version, when the archive was made,
  the migrations applied per app, the number of records per model, the files named by records
  but missing from the storage, and the size and SHA-256 checksum of every other member.

Records are read in chunks with ``.iterator()`` inside one read-only snapshot and written one
per line; files are copied in chunks. What the export holds in memory does not grow with the
number of records, only a name and a checksum per member for the manifest.

Every user account is kept whole (username, names, e-mail, password hash, active, staff and
superuser flags, dates, groups and own permissions): the public site has no accounts, so
these are the staff, and all of them must be able to sign in after a restore, also those who
have not yet saved anything. Left out, each for the reason in ``LEFT_OUT``: share links,
sessions, sign-in attempts, the admin's log, and the content types and permissions that
``migrate`` makes on the target.

The import reads the archive twice: once to check every member against the manifest and the
manifest against the database, then, when all is sound, to load it in one transaction and
store the files. A refusal writes nothing.
"""

import datetime
import gzip
import hashlib
import io
import json
import os
import tarfile
import tempfile
import zlib
from collections import Counter, defaultdict
from contextlib import contextmanager
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from itertools import islice
from pathlib import Path, PurePosixPath

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.exceptions import SuspiciousFileOperation
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.management.color import no_style
from django.core.serializers.base import DeserializationError
from django.core.serializers.json import DjangoJSONEncoder
from django.core.serializers.jsonl import Serializer as JSONLinesSerializer
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.db.models import FileField
from django.utils import timezone
from reversion.models import Version

from newsroom.editorial.signals import announce, public_content_changed

FORMAT = "pressoffice-archive"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DATA_FOLDER = "data/"
MEDIA_FOLDER = "media/"
# Records fetched and serialised at a time: what the export holds of the database at once.
CHUNK_SIZE = 100
COPY_CHUNK = 1024 * 1024
# A manifest larger than this is not one of ours; it is read whole, so it is limited.
MAX_MANIFEST_BYTES = 256 * 1024 * 1024
COMPRESSION = {".tar": "", ".tar.gz": "gz", ".tgz": "gz"}
GZIP_MAGIC = b"\x1f\x8b"


class ArchiveError(Exception):
    """A refusal or a failure, said in one line to whoever runs the command."""


def _one_line(error):
    return " ".join(str(error).split()) or type(error).__name__


@contextmanager
def _database_errors(doing):
    """A database that cannot be reached or read is said in one line, not a traceback."""
    try:
        yield
    except DatabaseError as error:
        raise ArchiveError(f"{doing}: {_one_line(error)}") from None


@dataclass(frozen=True)
class Part:
    """The records of one model, as one member of the archive."""

    label: str
    # Matched by name on the target, which may already hold it (groups come from a migration).
    by_natural_key: bool = False

    @property
    def model(self):
        return apps.get_model(self.label)

    def member(self, number):
        return f"{DATA_FOLDER}{number:02d}-{self.label}.jsonl"


def archived_parts():
    """What an archive holds, in the order it is loaded: everything before what names it."""
    return [
        Part("auth.group", by_natural_key=True),
        Part(get_user_model()._meta.label_lower),
        Part("newsroom.organisation"),
        Part("newsroom.document"),
        Part("newsroom.organisationrelation"),
        Part("newsroom.person"),
        Part("newsroom.office"),
        Part("newsroom.appointment"),
        Part("newsroom.topic"),
        Part("newsroom.pressrelease"),
        Part("newsroom.participant"),
        Part("newsroom.photo"),
        Part("newsroom.taggedtopic"),
        Part("newsroom.pressreleasetransition"),
        Part("newsroom.workingcopy"),
        Part("reversion.revision"),
        Part("reversion.version"),
    ]


# Installed models that archives leave out, and why. A new model must be added to
# ``archived_parts`` or here (tests/test_archive.py holds every model to that).
LEFT_OUT = {
    "newsroom.sharelink": "preview addresses are secrets given to reviewers outside the office",
    "auth.permission": "made by migrate on the target; archives name permissions by natural key",
    "contenttypes.contenttype": "made by migrate; archives name content types by natural key",
    "sessions.session": "sign-ins do not survive a restore; staff sign in again",
    "admin.logentry": "the admin's recent actions; the workflow trail and revisions are kept",
    "taggit.tag": "unused: topics are newsroom.topic, into which migration 0010 moved the tags",
    "taggit.taggeditem": "unused: releases' topics are newsroom.taggedtopic since migration 0010",
}
LEFT_OUT_APPS = {
    "axes": "sign-in attempts and lock-outs belong to the running site, not to its content",
    "django_tasks_database": "background jobs of the running site, made again from the content",
}
# Apps whose migration state must match: those whose tables an archive fills or names.
RESTORED_APPS = ("auth", "contenttypes", "taggit", "reversion", "newsroom")


def describe_counts(counts):
    """The numbers a person checks after a backup or a restore, in words."""
    accounts = counts.get(get_user_model()._meta.label_lower, 0)
    return (
        f"{sum(counts.values())} records, of which {counts.get('newsroom.pressrelease', 0)} "
        f"releases, {counts.get('reversion.revision', 0)} revisions and {accounts} user accounts"
    )


@dataclass
class ExportSummary:
    path: Path
    size: int
    counts: dict
    media_files: int
    missing_media: list


@dataclass
class ImportSummary:
    path: Path
    created_at: str
    counts: dict
    media_files: int
    media_already_stored: int = 0
    missing_media: list = dataclass_field(default_factory=list)


# Export --------------------------------------------------------------------------------------


def export_archive(path, *, force=False, using=DEFAULT_DB_ALIAS):
    """Write all content of database ``using`` and its media files to the archive ``path``.

    The archive appears at ``path`` only when complete: it is written beside it under a
    temporary name first. It is readable by its owner only, since it holds password hashes
    and unpublished drafts.
    """
    path = Path(path)
    compression = _check_output(path, force)
    connection = connections[using]
    ContentType.objects.clear_cache()
    created_at = timezone.now()
    try:
        handle, partial = tempfile.mkstemp(
            prefix=f".{path.name}.", suffix=".partial", dir=path.parent
        )
    except OSError as error:
        raise ArchiveError(f"Cannot write in {path.parent}: {error.strerror}.") from None
    try:
        with os.fdopen(handle, "wb") as out:
            mode = f"w:{compression}" if compression else "w"
            options = {"compresslevel": 6} if compression else {}
            with tarfile.open(name=path.name, fileobj=out, mode=mode, **options) as tar:
                writer = _ArchiveWriter(tar, mtime=int(created_at.timestamp()))
                with _database_errors("The database could not be read"), _snapshot(connection):
                    migrations = _applied_migrations(connection)
                    counts = {}
                    for number, part in enumerate(archived_parts(), start=1):
                        counts[part.label] = writer.add_records(part, number, using)
                    media_files, missing = _add_media(writer, using)
                writer.add_manifest(
                    {
                        "format": FORMAT,
                        "format_version": FORMAT_VERSION,
                        "created_at": created_at.isoformat(),
                        "source_database": connection.vendor,
                        "migrations": migrations,
                        "counts": counts,
                        "media_files": media_files,
                        "missing_media": missing,
                    }
                )
        if path.exists() and not force:
            raise ArchiveError(f"{path} appeared while the archive was written; nothing replaced.")
        os.replace(partial, path)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise
    return ExportSummary(path, path.stat().st_size, counts, media_files, missing)


def _compression(path):
    for suffix, compression in COMPRESSION.items():
        if path.name.endswith(suffix) and len(path.name) > len(suffix):
            return compression
    raise ArchiveError(f"{path}: the archive's name must end in .tar or .tar.gz.")


def _check_output(path, force):
    """The compression for ``path``, once it is a place an archive may be written to."""
    folder = path.parent
    if not folder.is_dir():
        raise ArchiveError(f"The folder {folder} does not exist.")
    if path.is_dir():
        raise ArchiveError(f"{path} is a folder; name the archive file inside it.")
    compression = _compression(path)
    if path.exists() and not force:
        raise ArchiveError(f"{path} already exists; add --force to replace it.")
    return compression


@contextmanager
def _snapshot(connection):
    """One consistent view of the data for the whole export, while editors keep working.

    PostgreSQL needs the snapshot asked for. SQLite reads inside one transaction see one
    state of the file anyway; without WAL mode, saves wait for the export to end (up to the
    database's timeout). Inside an outer transaction (tests) its view is used as is.
    """
    outermost = not connection.in_atomic_block
    with transaction.atomic(using=connection.alias):
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


def _applied_migrations(connection):
    applied = defaultdict(list)
    for app_label, name in sorted(MigrationRecorder(connection).applied_migrations()):
        applied[app_label].append(name)
    return dict(applied)


class _ExactEncoder(DjangoJSONEncoder):
    """Django's encoder cuts times to milliseconds; a backup keeps every microsecond."""

    def default(self, o):
        if isinstance(o, datetime.datetime):
            text = o.isoformat()
            return text.removesuffix("+00:00") + "Z" if text.endswith("+00:00") else text
        if isinstance(o, datetime.time):
            return o.isoformat()
        return super().default(o)


class _NamingSerializer(JSONLinesSerializer):
    """JSON Lines with natural keys only for what each database numbers its own way.

    Everything else keeps its primary key: restoring then needs no look-up per record, and
    revisions, whose stored data names rows by id, stay right. Many-to-many links come from
    ``links``, read for a whole chunk of records at once.
    """

    def __init__(self):
        self.links = {}
        self.count = 0

    def end_object(self, obj):
        super().end_object(obj)
        self.count += 1

    def handle_fk_field(self, obj, field):
        if field.remote_field.model is ContentType:
            # The content type cache answers this without a query per record.
            content_type_id = getattr(obj, field.attname)
            self._current[field.name] = (
                None
                if content_type_id is None
                else ContentType.objects.get_for_id(content_type_id).natural_key()
            )
        else:
            super().handle_fk_field(obj, field)

    def handle_m2m_field(self, obj, field):
        if field.remote_field.through._meta.auto_created:
            self._current[field.name] = self.links[field.name].get(obj.pk, [])


class _Links:
    """The many-to-many links of a chunk of records, one query per field.

    Not ``prefetch_related``: its caches tie each record into reference cycles, which only
    a full garbage collection frees, so memory would grow with the number of records.
    """

    # Named by natural key; few enough to be read once per export.
    natural_models = (Group, Permission)

    def __init__(self, model, using):
        self.using = using
        self.fields = [
            f
            for f in model._meta.local_many_to_many
            if f.serialize and f.remote_field.through._meta.auto_created
        ]
        self.natural_keys = {}

    def _name(self, model, pk):
        if model not in self.natural_models:
            return pk
        if model not in self.natural_keys:
            rows = model._default_manager.using(self.using)
            if model is Permission:
                rows = rows.select_related("content_type")
            self.natural_keys[model] = {row.pk: list(row.natural_key()) for row in rows}
        return self.natural_keys[model][pk]

    def of(self, pks):
        """{field name: {record pk: [linked pk or natural key, ...]}}."""
        found = {}
        for field in self.fields:
            through = field.remote_field.through
            source = through._meta.get_field(field.m2m_field_name()).attname
            target = through._meta.get_field(field.m2m_reverse_field_name()).attname
            rows = (
                through._default_manager.using(self.using)
                .filter(**{f"{source}__in": pks})
                .order_by(source, target)
                .values_list(source, target)
            )
            links = defaultdict(list)
            for record, linked in rows:
                links[record].append(self._name(field.remote_field.model, linked))
            found[field.name] = links
        return found


def _in_chunks(queryset, serializer, links):
    """The records of ``queryset``, a chunk at a time, giving ``serializer`` their links."""
    records = queryset.iterator(chunk_size=CHUNK_SIZE)
    while chunk := list(islice(records, CHUNK_SIZE)):
        serializer.links = links.of([record.pk for record in chunk])
        yield from chunk


class _DigestWriter(io.RawIOBase):
    """A write-only file that passes bytes on to ``target``, counting and hashing them."""

    def __init__(self, target):
        self.target, self.sha256, self.size = target, hashlib.sha256(), 0

    def writable(self):
        return True

    def write(self, data):
        self.target.write(data)
        self.sha256.update(data)
        self.size += len(data)
        return len(data)


class _DigestReader(io.RawIOBase):
    """A read-only file that reads from ``source``, counting and hashing what it reads."""

    def __init__(self, source):
        self.source, self.sha256, self.size = source, hashlib.sha256(), 0

    def readable(self):
        return True

    def readinto(self, buffer):
        data = self.source.read(len(buffer))
        count = len(data)
        buffer[:count] = data
        self.sha256.update(data)
        self.size += count
        return count

    def drain(self):
        """Read what is left, so that size and checksum cover the whole source."""
        while self.read(COPY_CHUNK):
            pass
        return self.size, self.sha256.hexdigest()


class _ArchiveWriter:
    def __init__(self, tar, mtime):
        self.tar, self.mtime = tar, mtime
        self.members = []

    def _info(self, name, size):
        info = tarfile.TarInfo(name)
        info.size, info.mtime, info.mode = size, self.mtime, 0o644
        return info

    def add_records(self, part, number, using):
        """Serialise the records of ``part`` in chunks; returns how many there were."""
        queryset = part.model._base_manager.using(using).order_by("pk")
        serializer = _NamingSerializer()
        # Spooled to disk, because a tar member's header states its size before its data.
        with tempfile.TemporaryFile() as spool:
            digest = _DigestWriter(spool)
            text = io.TextIOWrapper(io.BufferedWriter(digest), encoding="utf-8", newline="\n")
            serializer.serialize(
                _in_chunks(queryset, serializer, _Links(part.model, using)),
                stream=text,
                use_natural_primary_keys=part.by_natural_key,
                cls=_ExactEncoder,
            )
            text.flush()
            text.detach()
            spool.seek(0)
            name = part.member(number)
            self.tar.addfile(self._info(name, digest.size), spool)
        self.members.append(
            {"name": name, "size": digest.size, "sha256": digest.sha256.hexdigest()}
        )
        return serializer.count

    def add_file(self, name, size, source):
        """Copy ``size`` bytes of ``source`` into the archive as ``media/<name>``."""
        reader = _DigestReader(source)
        member = MEDIA_FOLDER + name
        try:
            self.tar.addfile(self._info(member, size), io.BufferedReader(reader, COPY_CHUNK))
        except OSError as error:
            raise ArchiveError(
                f"The media file {name} could not be copied: {_one_line(error)}."
            ) from None
        if source.read(1):
            raise ArchiveError(f"The media file {name} grew while it was copied; export again.")
        self.members.append({"name": member, "size": size, "sha256": reader.sha256.hexdigest()})

    def add_manifest(self, manifest):
        data = json.dumps(
            {**manifest, "members": self.members}, indent=1, ensure_ascii=False
        ).encode()
        self.tar.addfile(self._info(MANIFEST, len(data)), io.BytesIO(data))


def _file_fields():
    """(model, names of its file fields) for every archived model that has any."""
    found = []
    for part in archived_parts():
        names = [f.name for f in part.model._meta.concrete_fields if isinstance(f, FileField)]
        if names:
            found.append((part.model, names))
    return found


def _named_files(using):
    """The stored names of files, each once: those of records, then those only revisions name.

    Yields (name, whether a record names it). A file that only an old revision names
    (a photo replaced since) is kept so that restoring that revision shows it again.
    """
    seen = set()
    for model, names in _file_fields():
        for name in names:
            values = (
                model._base_manager.using(using)
                .exclude(**{name: ""})
                .exclude(**{f"{name}__isnull": True})
                .order_by(name)
                .values_list(name, flat=True)
                .distinct()
            )
            for value in values.iterator(chunk_size=CHUNK_SIZE * 10):
                if value not in seen:
                    seen.add(value)
                    yield value, True
    for model, names in _file_fields():
        content_type = ContentType.objects.db_manager(using).get_for_model(model)
        versions = (
            Version.objects.using(using)
            .filter(content_type=content_type, format="json")
            .order_by("pk")
            .values_list("serialized_data", flat=True)
        )
        for data in versions.iterator(chunk_size=CHUNK_SIZE):
            try:
                values = json.loads(data)[0]["fields"]
            except (ValueError, LookupError, TypeError):
                continue
            for name in names:
                value = values.get(name)
                if value and isinstance(value, str) and value not in seen:
                    seen.add(value)
                    yield value, False


def _add_media(writer, using):
    """Copy the named files into the archive; returns (how many, names that are missing)."""
    copied, missing = 0, []
    for name, named_by_record in _named_files(using):
        if not default_storage.exists(name):
            # An old revision's file may have been removed on purpose; a record's may not.
            if named_by_record:
                missing.append(name)
            continue
        with default_storage.open(name, "rb") as source:
            writer.add_file(name, default_storage.size(name), source)
        copied += 1
    return copied, missing


# Import --------------------------------------------------------------------------------------


def import_archive(path, *, using=DEFAULT_DB_ALIAS, check_only=False):
    """Restore the archive at ``path`` onto the empty, migrated database ``using``.

    Every member is checked against the manifest and the manifest against the database
    first; a damaged, truncated, foreign or incompatible archive, a database that is not
    empty and a media file that would be overwritten are refused before anything is
    written. Then everything is loaded in one transaction. With ``check_only`` the archive
    is checked against this database and nothing is loaded.
    """
    path = Path(path)
    _check_input(path)
    manifest = verify_archive(path)
    connection = connections[using]
    ContentType.objects.clear_cache()
    with _database_errors("The database could not be read"):
        _check_migrations(manifest, connection)
    media = [m for m in manifest["members"] if m["name"].startswith(MEDIA_FOLDER)]
    summary = ImportSummary(
        path,
        manifest["created_at"],
        manifest["counts"],
        len(media),
        missing_media=list(manifest.get("missing_media", [])),
    )
    if check_only:
        return summary
    with _database_errors("The database could not be read"):
        _check_empty(connection)
    already_stored = _check_media_targets(media)
    summary.media_already_stored = len(already_stored)
    written = []
    try:
        with (
            _database_errors("The restore was undone"),
            transaction.atomic(using=using),
        ):
            _load(path, manifest, connection, already_stored, written)
            # Pages cached while the database was empty must not outlive the restore.
            announce(public_content_changed, record=None)
    except BaseException:
        for name in written:
            default_storage.delete(name)
        raise
    # The planner's statistics described the empty tables; SQLite keeps none until asked.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return summary


def _check_input(path):
    if not path.exists():
        raise ArchiveError(f"{path} does not exist.")
    if path.is_dir():
        raise ArchiveError(f"{path} is a folder, not an archive file.")
    try:
        with open(path, "rb"):
            pass
    except OSError as error:
        raise ArchiveError(f"{path} cannot be read: {error.strerror}.") from None


@contextmanager
def _reading(path):
    """The archive's members in order; damage and truncation are refused as such.

    tarfile's own gzip reader checks no CRC, and tarfile stops without a word where an
    archive is cut after a member: so the gzip layer is Python's, and the end is checked here.
    """
    try:
        with open(path, "rb") as raw:
            compressed = raw.read(len(GZIP_MAGIC)) == GZIP_MAGIC
            raw.seek(0)
            stream = _DigestReader(gzip.GzipFile(fileobj=raw, mode="rb") if compressed else raw)
            with tarfile.open(fileobj=stream, mode="r|") as tar:
                yield tar
                end = tar.offset
            stream.drain()
    except ArchiveError:
        raise
    except (tarfile.TarError, EOFError, zlib.error, OSError) as error:
        raise ArchiveError(f"{path} is damaged or not an archive ({_one_line(error)}).") from None
    # An archive ends with two zero blocks, padded to whole records, as tarfile writes it.
    records = -(-(end + 2 * tarfile.BLOCKSIZE) // tarfile.RECORDSIZE)
    if stream.size != records * tarfile.RECORDSIZE:
        raise ArchiveError(f"{path} is truncated or has data after its end.")


def verify_archive(path):
    """The manifest of the archive at ``path``, once every member matches it."""
    path = Path(path)
    found = {}
    manifest_data = None
    with _reading(path) as tar:
        for member in tar:
            if manifest_data is not None:
                raise ArchiveError(f"{path} is not a Pressoffice archive (data after manifest).")
            _check_member_shape(path, member, found)
            source = tar.extractfile(member)
            if member.name == MANIFEST:
                if member.size > MAX_MANIFEST_BYTES:
                    raise ArchiveError(f"{path} is not a Pressoffice archive (huge manifest).")
                manifest_data = source.read()
            else:
                found[member.name] = _DigestReader(source).drain()
    if manifest_data is None:
        raise ArchiveError(f"{path} has no manifest: it is truncated or not a Pressoffice archive.")
    manifest = _parse_manifest(path, manifest_data)
    listed = {}
    for entry in manifest["members"]:
        listed[entry["name"]] = (entry["size"], entry["sha256"])
    for name, (size, sha256) in listed.items():
        if name not in found:
            raise ArchiveError(f"{path} is incomplete: {name} is missing.")
        if found[name][0] != size:
            raise ArchiveError(
                f"{path} is damaged: {name} has {found[name][0]} bytes, the manifest says {size}."
            )
        if found[name][1] != sha256:
            raise ArchiveError(f"{path} is damaged: the checksum of {name} does not match.")
    unlisted = sorted(found.keys() - listed.keys())
    if unlisted:
        raise ArchiveError(f"{path} holds {unlisted[0]}, which its manifest does not list.")
    return manifest


def _check_member_shape(path, member, found):
    name = member.name
    if not member.isreg():
        raise ArchiveError(f"{path} is not a Pressoffice archive ({name} is not a file).")
    if name in found:
        raise ArchiveError(f"{path} is not a Pressoffice archive ({name} appears twice).")
    if name != MANIFEST and not name.startswith((DATA_FOLDER, MEDIA_FOLDER)):
        raise ArchiveError(f"{path} is not a Pressoffice archive (it holds {name}).")
    parts = PurePosixPath(name).parts
    if name.startswith("/") or ".." in parts or "\\" in name or name == MEDIA_FOLDER:
        raise ArchiveError(f"{path} is not a Pressoffice archive (unsafe name {name}).")


def _parse_manifest(path, data):
    try:
        manifest = json.loads(data)
        is_ours = isinstance(manifest, dict) and manifest.get("format") == FORMAT
    except ValueError:
        is_ours = False
    if not is_ours:
        raise ArchiveError(f"{path} is not a Pressoffice archive (its manifest is not ours).")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise ArchiveError(
            f"{path} is in archive format {manifest.get('format_version')}; this version of "
            f"Pressoffice reads format {FORMAT_VERSION}."
        )
    expected = [part.member(number) for number, part in enumerate(archived_parts(), start=1)]
    try:
        data_members = [
            entry["name"] for entry in manifest["members"] if entry["name"].startswith(DATA_FOLDER)
        ]
        well_formed = (
            isinstance(manifest["created_at"], str)
            and all(
                isinstance(entry["size"], int) and isinstance(entry["sha256"], str)
                for entry in manifest["members"]
            )
            and set(manifest["counts"]) == {part.label for part in archived_parts()}
            and all(isinstance(count, int) for count in manifest["counts"].values())
            and all(isinstance(names, list) for names in manifest["migrations"].values())
        )
    except (KeyError, TypeError, AttributeError):
        well_formed = False
    if not well_formed:
        raise ArchiveError(f"{path} is damaged: its manifest is incomplete.")
    if data_members != expected:
        raise ArchiveError(
            f"{path} does not hold the records this version of Pressoffice restores."
        )
    return manifest


def _latest(names):
    return max(names) if names else "none"


def _check_migrations(manifest, connection):
    recorder = MigrationRecorder(connection)
    if not recorder.has_table():
        raise ArchiveError(
            "The database has no tables yet: run python manage.py migrate, then import."
        )
    here = _applied_migrations(connection)
    known = MigrationLoader(connection, ignore_no_migrations=True).disk_migrations
    for app_label in RESTORED_APPS:
        archived = set(manifest["migrations"].get(app_label, []))
        applied = set(here.get(app_label, []))
        if archived == applied:
            continue
        unknown = sorted(name for name in archived if (app_label, name) not in known)
        if unknown:
            raise ArchiveError(
                f"The archive was made with migration {app_label} {unknown[-1]}, which this "
                "version of Pressoffice does not have: restore it with the version that made it."
            )
        target = _latest(archived)
        raise ArchiveError(
            f"The archive was made at migration {app_label} {target}, the database is at "
            f"{_latest(applied)}: run python manage.py migrate {app_label} {target}, import, "
            "then migrate."
        )


def _check_empty(connection):
    held = []
    for part in archived_parts():
        if part.by_natural_key:
            continue
        count = part.model._base_manager.using(connection.alias).count()
        if count:
            meta = part.model._meta
            held.append(f"{count} {meta.verbose_name if count == 1 else meta.verbose_name_plural}")
    if held:
        raise ArchiveError(
            f"The database is not empty (it holds {', '.join(held)}); an archive is restored "
            "onto an empty, migrated database only."
        )


def _stored_digest(name):
    with default_storage.open(name, "rb") as stored:
        return _DigestReader(stored).drain()


def _check_media_targets(media):
    """Names already stored with the same content; refuses one stored with other content."""
    already = set()
    for entry in media:
        name = entry["name"][len(MEDIA_FOLDER) :]
        try:
            if not default_storage.exists(name):
                continue
        except SuspiciousFileOperation:
            raise ArchiveError(f"The media storage refuses the file name {name}.") from None
        if _stored_digest(name) != (entry["size"], entry["sha256"]):
            raise ArchiveError(
                f"The media storage already holds a different file named {name}; "
                "an import overwrites no file."
            )
        already.add(name)
    return already


def _load(path, manifest, connection, already_stored, written):
    parts = {part.member(number): part for number, part in enumerate(archived_parts(), start=1)}
    listed = {entry["name"]: (entry["size"], entry["sha256"]) for entry in manifest["members"]}
    loaded = Counter()
    with _reading(path) as tar, connection.constraint_checks_disabled():
        for member in tar:
            if member.name == MANIFEST:
                continue
            reader = _DigestReader(tar.extractfile(member))
            if member.name in parts:
                part = parts[member.name]
                loaded[part.label] = _load_records(part, reader, connection.alias)
            else:
                name = member.name.removeprefix(MEDIA_FOLDER)
                if name not in already_stored:
                    _store_file(name, reader, written)
            if reader.drain() != listed[member.name]:
                raise ArchiveError(f"{path} changed while it was being restored.")
    try:
        connection.check_constraints(table_names=[p.model._meta.db_table for p in parts.values()])
    except DatabaseError as error:
        raise ArchiveError(
            f"The archive's records do not fit together: {_one_line(error)}"
        ) from None
    for label, count in manifest["counts"].items():
        if loaded[label] != count:
            raise ArchiveError(
                f"{path} is damaged: it holds {loaded[label]} records of {label}, "
                f"the manifest says {count}."
            )
    _reset_sequences(connection, [part.model for part in parts.values()])


def _load_records(part, reader, using):
    """Save the records of one member, keeping their primary keys; returns how many."""
    count = 0
    deferred = []
    try:
        for record in serializers.deserialize(
            "jsonl",
            io.BufferedReader(reader, COPY_CHUNK),
            using=using,
            handle_forward_references=True,
        ):
            # Groups may already exist (a migration makes them): matched by name, updated.
            record.save(using=using, force_insert=not part.by_natural_key)
            if record.deferred_fields:
                deferred.append(record)
            count += 1
        for record in deferred:
            record.save_deferred_fields(using=using)
    except (DeserializationError, DatabaseError) as error:
        raise ArchiveError(
            f"The records of {part.label} could not be restored: {_one_line(error)}"
        ) from None
    return count


def _store_file(name, reader, written):
    # Copied to a local file first: any storage (S3 too) is given a seekable file of known size.
    with tempfile.TemporaryFile() as spool:
        size = 0
        while chunk := reader.read(COPY_CHUNK):
            spool.write(chunk)
            size += len(chunk)
        spool.seek(0)
        content = File(spool, name=PurePosixPath(name).name)
        content.size = size
        try:
            stored = default_storage.save(name, content)
        except SuspiciousFileOperation:
            raise ArchiveError(f"The media storage refuses the file name {name}.") from None
        except OSError as error:
            raise ArchiveError(
                f"The media file {name} could not be stored: {_one_line(error)}"
            ) from None
    written.append(stored)
    if stored != name:
        raise ArchiveError(f"The media storage stored {name} as {stored}; nothing restored.")


def _reset_sequences(connection, models):
    """Make new rows get ids after the restored ones (PostgreSQL keeps counters apart)."""
    statements = connection.ops.sequence_reset_sql(no_style(), models)
    if statements:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
