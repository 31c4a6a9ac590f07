"""Importing documents as draft releases, one transaction per document.

``DocumentImporter.import_all`` takes sources (files, folders, uploads) and
yields one ``ImportResult`` per document as it goes, so a run over a large
archive keeps only the running ``ImportSummary`` in memory.
"""

import os
from collections import Counter
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.text import slugify

from newsroom.editorial import editing
from newsroom.models import PressRelease

from .parser import DocumentError, max_document_bytes, parse_document
from .recogniser import Recogniser

SLUG_MAX_CHARS = 100
CYRILLIC_TO_LATIN = str.maketrans(
    {
        "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh",
        "з": "z", "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
        "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts",
        "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu",
        "я": "ya",
    }
)  # fmt: skip

CREATED, UPDATED, UNCHANGED, FAILED = "created", "updated", "unchanged", "failed"
OUTCOMES = (CREATED, UPDATED, UNCHANGED, FAILED)


@dataclass(frozen=True)
class Source:
    """A document to import: a name for the report and a way to read its bytes."""

    name: str
    read: object  # read(limit) -> at most limit + 1 bytes, or DocumentError


def file_source(path, name=None):
    def read(limit):
        try:
            with open(path, "rb") as document:
                return document.read(limit + 1)
        except OSError as error:
            raise DocumentError(f"cannot be read ({error.strerror})") from None

    return Source(name or str(path), read)


def failing_source(name, reason):
    def read(limit):
        raise DocumentError(reason)

    return Source(name, read)


def upload_source(upload):
    def read(limit):
        data = bytearray()
        for chunk in upload.chunks():
            data += chunk
            if len(data) > limit:
                break
        return bytes(data)

    return Source(upload.name, read)


def _walk_documents(folder):
    # Plain strings, not Path objects: pathlib interns every part of every path,
    # which would grow memory with the number of documents in a large archive.
    for directory, subdirectories, files in os.walk(folder):
        subdirectories.sort()
        for name in sorted(files):
            if name.endswith(".txt"):
                yield os.path.join(directory, name)


def sources_from_paths(paths):
    """Files as given; folders walked for ``*.txt`` in name order."""
    for given in map(str, paths):
        if os.path.isdir(given):
            found = False
            for document in _walk_documents(given):
                found = True
                yield file_source(document)
            if not found:
                yield failing_source(given, "the folder holds no .txt documents")
        elif os.path.exists(given):
            yield file_source(given)
        else:
            yield failing_source(given, "no such file or folder")


def count_documents(paths):
    return sum(1 for _ in sources_from_paths(paths))


@dataclass
class ImportResult:
    name: str
    outcome: str
    reason: str = ""
    title: str = ""
    slug: str = ""
    organisations: list = field(default_factory=list)
    participants: list = field(default_factory=list)
    suggestions: list = field(default_factory=list)
    dry_run: bool = False

    @property
    def failed(self):
        return self.outcome == FAILED

    @property
    def verb(self):
        if self.dry_run and self.outcome in (CREATED, UPDATED):
            return {CREATED: "would create", UPDATED: "would update"}[self.outcome]
        return self.outcome

    def __str__(self):
        if self.failed:
            return f"{self.name}: failed: {self.reason}"
        line = f"{self.name}: {self.verb} “{self.slug}”"
        if self.outcome == UNCHANGED:
            return f"{line} ({self.reason})"
        details = [
            ("organisations", ", ".join(o.display_name for o in self.organisations)),
            ("participants", "; ".join(str(p) for p in self.participants)),
            ("unknown names", ", ".join(self.suggestions)),
        ]
        return line + "".join(f"\n    {label}: {value}" for label, value in details if value)


@dataclass
class ImportSummary:
    """Counts, failures and suggested names: what a run reports at its end."""

    dry_run: bool = False
    counts: Counter = field(default_factory=Counter)
    failures: list = field(default_factory=list)
    suggestions: Counter = field(default_factory=Counter)

    def add(self, result):
        self.counts[result.outcome] += 1
        if result.failed:
            self.failures.append((result.name, result.reason))
        self.suggestions.update(result.suggestions)

    @property
    def failed(self):
        return self.counts[FAILED]

    @property
    def total(self):
        return sum(self.counts.values())

    def lines(self):
        prefix = "Dry run, nothing written. " if self.dry_run else ""
        labels = {CREATED: "created", UPDATED: "updated"}
        if self.dry_run:
            labels = {CREATED: "would create", UPDATED: "would update"}
        counts = ", ".join(
            f"{labels.get(outcome, outcome)}: {self.counts[outcome]}" for outcome in OUTCOMES
        )
        noun = "document" if self.total == 1 else "documents"
        yield f"{prefix}{self.total} {noun} — {counts}."
        for name, reason in self.failures:
            yield f"Failed: {name}: {reason}"
        if self.suggestions:
            names = ", ".join(
                f"{name} ({count})" for name, count in self.suggestions.most_common(MAX_LISTED)
            )
            yield f"Names that look like organisations but are not in the database: {names}"


MAX_LISTED = 20


def transliterate(title):
    return title.lower().translate(CYRILLIC_TO_LATIN)


def slug_base(parsed):
    slug = slugify(transliterate(parsed.title))
    if len(slug) > SLUG_MAX_CHARS:
        slug = slug[:SLUG_MAX_CHARS].rsplit("-", 1)[0]
    # Titles in Chinese have no letters a slug can keep.
    return slug or f"release-{parsed.source_hash[:12]}"


def unique_slug(base):
    taken = set(PressRelease.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    slug, number = base, 1
    while slug in taken:
        number += 1
        slug = f"{base}-{number}"
    return slug


class DocumentImporter:
    """Imports documents as draft releases linked to the reference data.

    ``update`` replaces the text and links of a draft made from the same
    document (same content hash, or same title when the content changed);
    ``dry_run`` works everything out and writes nothing.
    """

    def __init__(self, *, update=False, dry_run=False, language=None, by=None, now=None):
        self.update = update
        self.dry_run = dry_run
        self.language = language
        self.by = by
        self.now = now
        self.recogniser = Recogniser.from_database()

    def summary(self):
        return ImportSummary(dry_run=self.dry_run)

    def import_all(self, sources):
        for source in sources:
            yield self.import_source(source)

    def import_source(self, source):
        try:
            parsed = parse_document(source.read(max_document_bytes()), language=self.language)
        except DocumentError as error:
            return ImportResult(source.name, FAILED, reason=str(error))
        recognition = self.recogniser.recognise(parsed.text, on=parsed.dateline_date)
        result = ImportResult(
            source.name,
            CREATED,
            title=parsed.title,
            organisations=recognition.organisations,
            participants=recognition.participants,
            suggestions=recognition.suggestions,
            dry_run=self.dry_run,
        )
        existing = (
            PressRelease.objects.filter(source_hash=parsed.source_hash).order_by("pk").first()
        )
        if existing is not None and not self.update:
            result.outcome, result.slug = UNCHANGED, existing.slug
            result.reason = "imported before with the same content"
            return result
        if existing is None and self.update:
            existing = (
                PressRelease.objects.exclude(source_hash="")
                .filter(title=parsed.title)
                .order_by("pk")
                .first()
            )
        if existing is not None and existing.status != PressRelease.Status.DRAFT:
            result.outcome, result.slug = FAILED, existing.slug
            result.reason = (
                f"the release “{existing.slug}” made from it is no longer a draft; "
                "importing changes drafts only"
            )
            return result
        if existing is not None:
            result.outcome, result.slug = UPDATED, existing.slug
        else:
            result.slug = unique_slug(slug_base(parsed))
        if self.dry_run:
            return result
        try:
            with transaction.atomic():
                self._write(existing, parsed, recognition, result.slug)
        except DatabaseError as error:
            result.outcome, result.reason = FAILED, f"could not be saved ({error})"
        except ValidationError as error:
            result.outcome, result.reason = FAILED, " ".join(error.messages)
        return result

    def _write(self, release, parsed, recognition, slug):
        now = self.now or timezone.now()
        created = release is None
        if created:
            release = PressRelease(slug=slug, created_by=self.by, created_at=now)
        release.title = parsed.title
        release.lead = parsed.lead
        release.body = parsed.body_html
        release.dateline_date = parsed.dateline_date
        release.dateline_place = parsed.dateline_place
        release.language = parsed.language
        release.source_hash = parsed.source_hash
        return editing.save_release(
            release,
            by=self.by,
            comment="Imported from a document." if created else "Re-imported from a document.",
            links=[
                editing.organisations(recognition.organisations),
                editing.participants(editing.participant_rows(recognition.participants)),
            ],
            now=now,
        )
