from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS

from newsroom.backups import ArchiveError, describe_counts, import_archive


class Command(BaseCommand):
    help = (
        "Restore an archive written by export_archive onto an empty, migrated database and its "
        "media storage. The archive is checked whole first; nothing is written when it is "
        "damaged, truncated, foreign, made at other migrations, or the database is not empty."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", metavar="PATH", help="The archive to restore.")
        parser.add_argument(
            "--check",
            action="store_true",
            help="Only check the archive and that this database could take it; write nothing.",
        )
        parser.add_argument(
            "--database", default=DEFAULT_DB_ALIAS, help="The database to restore into."
        )

    def handle(self, *args, path, check, database, verbosity, **options):
        try:
            summary = import_archive(path, using=database, check_only=check)
        except ArchiveError as error:
            raise CommandError(str(error)) from None
        if verbosity < 1:
            return
        described = f"{describe_counts(summary.counts)}, and {summary.media_files} media files"
        if check:
            self.stdout.write(
                self.style.SUCCESS(
                    f"{summary.path} is sound (made {summary.created_at}): {described}; "
                    "this database's migrations match it."
                )
            )
            return
        stored = (
            f" ({summary.media_already_stored} of them were already stored)"
            if summary.media_already_stored
            else ""
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {summary.path} (made {summary.created_at}): {described}{stored}."
            )
        )
        if summary.missing_media:
            self.stderr.write(
                f"Note: {len(summary.missing_media)} files were already missing when the "
                "archive was made; its manifest lists them."
            )
