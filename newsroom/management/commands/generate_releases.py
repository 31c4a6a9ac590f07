"""Fill the database with synthetic public releases, to measure the site at archive scale.

    python manage.py generate_releases --count 100000 [--batch 1000] [--seed 1]

Every release says it is synthetic ("Synthetic release 00042 …", and so do its lead and
body) and names the organisations, documents, people and topics the database already
has (load the demo data first), with one of three small generated photos. Releases are
written through the write path's ``create_releases_in_bulk``, one transaction a batch,
so memory stays flat however many are made; the peak is reported at the first thousand,
halfway and at the end.
"""

import datetime
import gc
import io
import random
import resource
import sys
import time
from itertools import islice

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, reset_queries
from django.utils import timezone
from PIL import Image, ImageDraw

from newsroom.editorial.editing import create_releases_in_bulk
from newsroom.models import Appointment, Document, Organisation, Participant, PressRelease, Topic
from newsroom.renditions import make_renditions, read_index

SLUG_PREFIX = "synthetic-release-"
ACCOUNT = "synthetic-data"
MAX_BATCH = 10_000
# Every release is tagged with this, besides topics the database already has.
SYNTHETIC_TOPIC = "synthetic data"
FALLBACK_TOPICS = ["security", "trade", "culture", "youth"]
PLACES = ["Beijing", "Moscow", "Astana", "Tashkent", "Bishkek", "Dushanbe", "Minsk", "Qingdao"]
# Named by the releases of these numbers only: a word that search finds in the same few
# releases at any size of the archive, so that a search for it measures the search rather
# than the number of results shown.
RARE_PLACE = "Samarkand"
RARE_NUMBERS = frozenset({7, 407, 807})
IMAGES = [
    ("photos/synthetic/synthetic-1.jpg", (31, 73, 125)),
    ("photos/synthetic/synthetic-2.jpg", (132, 60, 12)),
    ("photos/synthetic/synthetic-3.jpg", (56, 118, 29)),
]
# Datelines spread evenly over these years, so every year's archive has releases.
FIRST_DAY = datetime.date(2006, 1, 1)
LAST_DAY = datetime.date(2025, 12, 31)


def peak_rss_mb():
    # Linux reports kilobytes, macOS bytes.
    scale = 1 if sys.platform == "darwin" else 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale / 1_000_000


def whole_number(option, value, *, minimum, maximum=None):
    try:
        number = int(str(value).replace("_", "").replace(",", ""))
    except ValueError:
        number = None
    if number is None or number < minimum or (maximum is not None and number > maximum):
        limits = f"from {minimum:,} to {maximum:,}" if maximum else f"of at least {minimum:,}"
        raise CommandError(f"{option} must be a whole number {limits}, not {value!r}.")
    return number


def synthetic_images(storage=default_storage):
    """The names of three small JPEGs in the media storage, made the first time."""
    names = []
    for name, colour in IMAGES:
        if not storage.exists(name):
            image = Image.new("RGB", (960, 600), colour)
            draw = ImageDraw.Draw(image)
            for left in range(0, 960, 120):
                draw.rectangle((left, 420, left + 60, 480), fill=(240, 240, 240))
            buffer = io.BytesIO()
            image.save(buffer, "JPEG", quality=80)
            name = storage.save(name, ContentFile(buffer.getvalue()))
        # Photos written in bulk send no post_save, which is what makes renditions.
        if read_index(name, storage) is None:
            make_renditions(name, storage)
        names.append(name)
    return names


class References:
    """What a synthetic release may name, read once."""

    def __init__(self):
        self.organisations = list(Organisation.objects.order_by("pk").values_list("pk", flat=True))
        self.documents = list(Document.objects.order_by("pk").values_list("pk", flat=True))
        self.appointments = list(
            Appointment.objects.order_by("pk").values_list("person_id", "office_id")
        )
        self.topics = [
            name
            for name in Topic.objects.order_by("name").values_list("name", flat=True)
            if name.lower() != SYNTHETIC_TOPIC
        ] or FALLBACK_TOPICS
        self.images = synthetic_images()


def synthetic_rows(references, *, start, count, seed):
    """Rows for ``create_releases_in_bulk``, made one at a time as they are consumed."""
    rng = random.Random(seed)
    span = (LAST_DAY - FIRST_DAY).days
    width = max(5, len(str(start + count)))
    for index in range(count):
        number = start + index + 1
        label = f"{number:0{width}d}"
        day = FIRST_DAY + datetime.timedelta(days=span * index // max(count - 1, 1))
        place = RARE_PLACE if number in RARE_NUMBERS else rng.choice(PLACES)
        topics = rng.sample(references.topics, min(2, len(references.topics)))
        # Most releases of a secretariat name its own organisation: the first one, mostly.
        organisations = [references.organisations[0]] if rng.random() < 0.7 else []
        organisations += rng.sample(references.organisations, min(2, len(references.organisations)))
        documents = [rng.choice(references.documents)] if references.documents else []
        appointments = rng.sample(references.appointments, min(2, len(references.appointments)))
        yield {
            "title": f"Synthetic release {label} on {topics[0]} in {place}",
            "slug": f"{SLUG_PREFIX}{label}",
            "kind": PressRelease.Kind.PRESS_RELEASE if index % 4 else PressRelease.Kind.NEWS,
            "lead": (
                f"Synthetic release {label}: generated benchmark data about {topics[0]}, "
                "not a real event."
            ),
            "body": synthetic_body(label, place, topics, rng),
            "dateline_place": place,
            "dateline_date": day,
            "status": PressRelease.Status.PUBLISHED,
            "publish_at": datetime.datetime.combine(
                day, datetime.time(8 + number % 9, number % 60), tzinfo=datetime.UTC
            ),
            "organisations": organisations,
            "documents": documents if rng.random() < 0.3 else [],
            "topics": [SYNTHETIC_TOPIC, *topics],
            "participants": [
                {
                    "person_id": person,
                    "office_id": office,
                    "role": Participant.Role.CHAIR if order == 1 else Participant.Role.PARTICIPANT,
                    "order": order,
                }
                for order, (person, office) in enumerate(appointments, start=1)
            ],
            "photos": [
                {
                    "image": references.images[number % len(references.images)],
                    "caption": f"Generated picture for synthetic release {label}.",
                    "credit": "Generated image",
                    "alt_text": "A plain coloured rectangle with a row of light squares.",
                    "order": 1,
                }
            ],
        }


def synthetic_body(label, place, topics, rng):
    paragraphs = [
        f"This is synthetic release {label}, generated as benchmark data for the press "
        "office's website. It reports no real event, meeting or statement.",
        f"The generated text says that delegations met in {place} to discuss {topics[0]} and "
        "the cooperation between their organisations, as real releases often do.",
        *(
            f"Generated paragraph {item} on {rng.choice(topics)}: the participants exchanged "
            "views on regional security, trade and economic cooperation, and cultural and "
            "humanitarian ties, and agreed to continue the consultations."
            for item in range(1, rng.randint(3, 6))
        ),
        "The synthetic text ends here; its length is close to that of a real release.",
    ]
    return "".join(f"<p>{paragraph}</p>" for paragraph in paragraphs)


class Command(BaseCommand):
    help = (
        "Fill the database with N clearly synthetic public releases (for benchmarks), with "
        "topics, organisations, documents, participants and photos, in batches."
    )

    def add_arguments(self, parser):
        # Read as text and checked in handle(), so a bad value is refused in one line.
        parser.add_argument("--count", help="How many releases to make (required).")
        parser.add_argument(
            "--batch", default="1000", help="Releases written per transaction (default 1000)."
        )
        parser.add_argument("--seed", default="1", help="Seed of the random choices.")
        parser.add_argument(
            "--user",
            help=f"The editor recorded as publishing them; by default the account {ACCOUNT!r}, "
            "made without a password or staff access.",
        )

    def handle(self, *args, count, batch, seed, user, verbosity, **options):
        if count is None:
            raise CommandError("Give the number of releases to make with --count N.")
        count = whole_number("--count", count, minimum=1)
        batch = whole_number("--batch", batch, minimum=1, maximum=MAX_BATCH)
        seed = whole_number("--seed", seed, minimum=0)
        if not Organisation.objects.exists():
            raise CommandError(
                "No organisation to name: load the reference data first (manage.py loaddata demo)."
            )
        by = self.editor(user)
        references = References()
        start = PressRelease.objects.filter(slug__startswith=SLUG_PREFIX).count()
        rows = synthetic_rows(references, start=start, count=count, seed=seed)
        checkpoints = sorted({min(1_000, count), count // 2, count} - {0})
        made = 0
        started = time.perf_counter()
        while chunk := list(islice(rows, batch)):
            try:
                create_releases_in_bulk(
                    chunk, by=by, now=timezone.now(), comment="Generated as synthetic data."
                )
            except (PermissionDenied, ValidationError) as error:
                message = error.messages[0] if hasattr(error, "messages") else str(error)
                raise CommandError(message) from None
            made += len(chunk)
            # Under DEBUG every query is kept: a batch's worth, not the whole run's.
            reset_queries()
            # A batch's model instances and querysets refer to each other; left to the
            # collector's rare full passes they pile up for many batches.
            gc.collect()
            passed = [checkpoint for checkpoint in checkpoints if made >= checkpoint]
            if passed:
                checkpoints = checkpoints[len(passed) :]
                if verbosity >= 1:
                    elapsed = time.perf_counter() - started
                    self.stdout.write(
                        f"{made:>9,} releases  {made / elapsed:7.0f} releases/s  "
                        f"peak memory {peak_rss_mb():6.1f} MB"
                    )
        # The query planner chooses its indexes by the tables' statistics; after a
        # bulk load they describe a table a fraction of the size.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        if verbosity >= 1:
            self.stdout.write(
                f"Made {made:,} synthetic releases in {time.perf_counter() - started:.1f} s."
            )

    def editor(self, username):
        users = get_user_model()
        if username:
            by = users.objects.filter(username=username).first()
            if by is None:
                raise CommandError(f"No user is named {username!r}.")
            return by
        by, created = users.objects.get_or_create(
            username=ACCOUNT, defaults={"is_staff": False, "is_active": True}
        )
        if created:
            by.set_unusable_password()
            by.save(update_fields=["password"])
            by.groups.add(Group.objects.get(name="Editors"))
        return users.objects.get(pk=by.pk)
