from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from newsroom.importing.service import DocumentImporter, count_documents, sources_from_paths

# Up to this many documents each gets its own report line; more get a progress bar.
PROGRESS_THRESHOLD = 5
PROGRESS_WIDTH = 30


class ProgressBar:
    """A one-line bar on stderr, redrawn only when it changes, so it costs nothing per document."""

    def __init__(self, stream, total):
        self.stream, self.total, self.done, self.drawn = stream, total, 0, -1

    def advance(self):
        self.done += 1
        filled = PROGRESS_WIDTH * self.done // self.total
        if filled != self.drawn or self.done == self.total:
            self.drawn = filled
            bar = "#" * filled + "." * (PROGRESS_WIDTH - filled)
            # Plain style: stderr would otherwise colour the bar as an error.
            self.stream.write(f"\r[{bar}] {self.done}/{self.total}", style_func=str, ending="")
            self.stream.flush()

    def close(self):
        self.stream.write("")


class Command(BaseCommand):
    help = (
        "Import documents in the office's plain-text form as draft releases, linked to the "
        "organisations, offices and people the database knows. Folders are walked for *.txt."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH", help="Files or folders.")
        parser.add_argument(
            "--update",
            action="store_true",
            help="Replace the text and links of drafts imported before from the same document.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would be done; write nothing."
        )
        parser.add_argument(
            "--language",
            choices=[code for code, _name in settings.LANGUAGES],
            help="The documents' language; detected from the script when not given.",
        )

    def handle(self, *args, paths, update, dry_run, language, verbosity, **options):
        codes = [code for code, _name in settings.LANGUAGES]
        if language and language not in codes:
            raise CommandError(f"Unknown language “{language}”; use one of {', '.join(codes)}.")
        importer = DocumentImporter(update=update, dry_run=dry_run, language=language)
        total = count_documents(paths)
        progress = None
        if verbosity >= 1 and total > PROGRESS_THRESHOLD:
            progress = ProgressBar(self.stderr, total)
        summary = importer.summary()
        for result in importer.import_all(sources_from_paths(paths)):
            summary.add(result)
            if progress is not None:
                progress.advance()
            if verbosity >= 2 or (verbosity >= 1 and progress is None):
                self.stdout.write(str(result))
        if progress is not None:
            progress.close()
        if verbosity >= 1:
            for line in summary.lines():
                self.stdout.write(line)
        if summary.failed:
            raise CommandError(f"{summary.failed} of {summary.total} documents failed.")
