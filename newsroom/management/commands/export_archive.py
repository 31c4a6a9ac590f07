from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS
from django.template.defaultfilters import filesizeformat

from newsroom.backups import ArchiveError, describe_counts, export_archive

# Missing files beyond this many are counted, not named, on the terminal (the manifest names all).
NAMED_MISSING = 5


class Command(BaseCommand):
    help = (
        "Write all content (reference data, releases, their workflow trail and revisions, "
        "staff accounts) and the media files it names into one archive file. Share links are "
        "left out. The name decides the compression: .tar or .tar.gz."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "path", metavar="PATH", help="The archive to write, e.g. 2026-05.tar.gz."
        )
        parser.add_argument("--force", action="store_true", help="Replace PATH if it exists.")
        parser.add_argument(
            "--database", default=DEFAULT_DB_ALIAS, help="The database to export from."
        )

    def handle(self, *args, path, force, database, verbosity, **options):
        try:
            summary = export_archive(path, force=force, using=database)
        except ArchiveError as error:
            raise CommandError(str(error)) from None
        if summary.missing_media:
            named = ", ".join(summary.missing_media[:NAMED_MISSING])
            more = len(summary.missing_media) - NAMED_MISSING
            self.stderr.write(
                f"Warning: {len(summary.missing_media)} files named by records are missing from "
                f"the media storage and are not in the archive: {named}"
                + (f" and {more} more (listed in its manifest)." if more > 0 else ".")
            )
        if verbosity >= 1:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Wrote {summary.path} ({filesizeformat(summary.size)}): "
                    f"{describe_counts(summary.counts)}, and {summary.media_files} media files."
                )
            )
