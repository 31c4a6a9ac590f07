"""Import generated documents and report documents per second and peak memory.

    python bench/import_bench.py --documents 10000

Runs on a throw-away SQLite database (or DATABASE_URL when --use-database-url
is given). Peak resident memory is sampled as the import goes: if it stays flat
from the first thousand documents to the last, memory does not grow with the
number of documents.
"""

import argparse
import datetime
import gc
import os
import random
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PLACES = ["Qingdao", "Minsk", "Dushanbe", "Astana", "Moscow", "Beijing", "Tashkent", "Bishkek"]
SUBJECTS = [
    "the SCO Secretary-General",
    "Secretary-General of\u00a0the CSTO Yury\u00a0Khachaturov",
    "Sergei Lebedev",
    "the SCO Regional Anti-Terrorist Structure",
    "the CIS Anti-Terrorism Centre",
]
TOPICS = ["counterterrorism", "youth policy", "drug trafficking", "trade", "culture", "security"]
PER_FOLDER = 500


def document(number, rng):
    day = datetime.date(2005, 1, 1) + datetime.timedelta(days=rng.randrange(7000))
    place = rng.choice(PLACES)
    subject, other = rng.sample(SUBJECTS, 2)
    topic = rng.choice(TOPICS)
    title = f"Meeting {number} on {topic} in {place}"
    date = f"{day:%B} {day.day}, {day.year}" if number % 2 else f"{day.day} {day:%B %Y}"
    paragraphs = [
        f"On {date}, {subject} chaired a meeting on\u00a0{topic} with {other} in\u00a0{place}.",
        *(
            f"The participants of the CIS, the CSTO and the SCO discussed {topic} "
            f"(item {item}) and the cooperation with the Eurasian Economic Union."
            for item in range(rng.randrange(3, 9))
        ),
    ]
    return "\n\n".join([title, title, *paragraphs]) + "\n"


def generate(folder, count, seed=7):
    rng = random.Random(seed)
    for number in range(count):
        batch = folder / f"batch-{number // PER_FOLDER:03d}"
        batch.mkdir(exist_ok=True)
        (batch / f"{number:06d}.txt").write_text(document(number, rng), encoding="utf-8")


def peak_rss_mb():
    # Linux reports kilobytes, macOS bytes.
    scale = 1 if sys.platform == "darwin" else 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale / 1_000_000


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=10_000)
    parser.add_argument(
        "--use-database-url", action="store_true", help="Use DATABASE_URL instead of SQLite."
    )
    parser.add_argument(
        "--trace",
        action="store_true",
        help="Also report the Python heap in use (tracemalloc; slower).",
    )
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="import-bench-"))
    if not args.use_database_url:
        os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pressoffice.settings.development")
    import django
    from django.conf import settings

    django.setup()
    settings.DEBUG = False  # as in production: no query log

    from django.core.management import call_command

    from newsroom.demo import build_reference_data
    from newsroom.importing.service import DocumentImporter, sources_from_paths
    from newsroom.models import Organisation, PressRelease

    call_command("migrate", verbosity=0)
    if Organisation.objects.exists() or PressRelease.objects.exists():
        parser.exit(2, "The database already holds data; run the benchmark on an empty one.\n")
    build_reference_data()
    documents = workdir / "documents"
    documents.mkdir()
    generate(documents, args.documents)

    importer = DocumentImporter()
    summary = importer.summary()
    checkpoints = {1_000, args.documents // 2, args.documents}
    print(f"Importing {args.documents:,} documents ({settings.DATABASES['default']['ENGINE']})")
    if args.trace:
        tracemalloc.start()
    started = time.perf_counter()
    for result in importer.import_all(sources_from_paths([documents])):
        summary.add(result)
        if summary.total in checkpoints:
            elapsed = time.perf_counter() - started
            heap = ""
            if args.trace:
                gc.collect()  # count what is kept, not garbage waiting for the collector
                current, peak = tracemalloc.get_traced_memory()
                heap = f"  Python heap {current / 1_000_000:.2f} MB (peak {peak / 1_000_000:.2f})"
            print(
                f"{summary.total:>7,} documents  {summary.total / elapsed:7.0f} documents/s  "
                f"peak memory {peak_rss_mb():6.1f} MB{heap}"
            )
    for line in summary.lines():
        print(line)
    return 1 if summary.failed else 0


if __name__ == "__main__":
    sys.exit(main())
