from django.core.management.base import BaseCommand

from newsroom.models import Photo
from newsroom.renditions import make_renditions, read_index


class Command(BaseCommand):
    help = (
        "Make the renditions every photo lacks, e.g. after loading fixtures or restoring an "
        "archive, which bring the originals only."
    )

    def handle(self, *args, **options):
        made = complete = failed = 0
        names = (
            Photo.objects.exclude(image="").order_by().values_list("image", flat=True).distinct()
        )
        for name in names.iterator():
            if read_index(name) is not None:
                complete += 1
                continue
            try:
                make_renditions(name)
            except (OSError, ValueError) as error:
                # One unreadable photo must not keep the others from their renditions.
                failed += 1
                self.stderr.write(f"{name}: {error}")
                continue
            made += 1
            if options["verbosity"] > 1:
                self.stdout.write(f"{name}: made")
        self.stdout.write(
            f"Renditions made for {made} photo(s); {complete} already had them; "
            f"{failed} could not be read."
        )
