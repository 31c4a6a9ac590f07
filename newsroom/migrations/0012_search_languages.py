"""Search in each language, ranked inside the index (see newsroom/site/search.py).

Releases get their search text (``search_title``, ``search_lead``,
``search_body``: Russian words stemmed, Chinese split into characters, see
``newsroom.searchtext``), and the index of migration 0004 is replaced by one
over that text:

SQLite: an FTS5 table over the three search columns, kept current by
triggers, which search joins once and ranks by bm25. PostgreSQL: a stored
weighted tsvector column (title A, lead B, body C) generated from them, with a
GIN index; search ranks by it without building a tsvector per row.

SQLite rebuilds a table to add most columns, and the rebuild drops these
triggers: a later migration that adds columns to the release table takes the
index down first (``SQLITE_DROP``) and builds it again after
(``SQLITE_CREATE``), as 0005 does with 0004's.
"""

from importlib import import_module

from django.db import migrations, models

from newsroom.searchtext import search_fields

previous = import_module("newsroom.migrations.0004_public_search")

FTS_COLUMNS = "search_title, search_lead, search_body"
OLD_ROW = "old.search_title, old.search_lead, old.search_body"
NEW_ROW = "new.search_title, new.search_lead, new.search_body"

SQLITE_CREATE = [
    f"""CREATE VIRTUAL TABLE newsroom_release_fts USING fts5(
        {FTS_COLUMNS},
        content='newsroom_pressrelease', content_rowid='id',
        tokenize='unicode61 remove_diacritics 0'
    )""",
    f"""CREATE TRIGGER newsroom_release_fts_insert AFTER INSERT ON newsroom_pressrelease BEGIN
        INSERT INTO newsroom_release_fts(rowid, {FTS_COLUMNS}) VALUES (new.id, {NEW_ROW});
    END""",
    f"""CREATE TRIGGER newsroom_release_fts_delete AFTER DELETE ON newsroom_pressrelease BEGIN
        INSERT INTO newsroom_release_fts(newsroom_release_fts, rowid, {FTS_COLUMNS})
        VALUES ('delete', old.id, {OLD_ROW});
    END""",
    # An UPDATE that leaves the search text out of its SET leaves the index alone.
    f"""CREATE TRIGGER newsroom_release_fts_update
        AFTER UPDATE OF {FTS_COLUMNS} ON newsroom_pressrelease BEGIN
        INSERT INTO newsroom_release_fts(newsroom_release_fts, rowid, {FTS_COLUMNS})
        VALUES ('delete', old.id, {OLD_ROW});
        INSERT INTO newsroom_release_fts(rowid, {FTS_COLUMNS}) VALUES (new.id, {NEW_ROW});
    END""",
    "INSERT INTO newsroom_release_fts(newsroom_release_fts) VALUES ('rebuild')",
]
SQLITE_DROP = previous.SQLITE_DROP

POSTGRES_CREATE = [
    """ALTER TABLE newsroom_pressrelease ADD COLUMN search_vector tsvector
        GENERATED ALWAYS AS (
            setweight(to_tsvector('simple'::regconfig, "search_title"), 'A') ||
            setweight(to_tsvector('simple'::regconfig, "search_lead"), 'B') ||
            setweight(to_tsvector('simple'::regconfig, "search_body"), 'C')
        ) STORED""",
    "CREATE INDEX newsroom_release_search_vector ON newsroom_pressrelease USING GIN (search_vector)",
]
POSTGRES_DROP = [
    "DROP INDEX IF EXISTS newsroom_release_search_vector",
    "ALTER TABLE newsroom_pressrelease DROP COLUMN IF EXISTS search_vector",
]

run = previous.run


def write_search_text(apps, schema_editor):
    PressRelease = apps.get_model("newsroom", "PressRelease")
    releases = PressRelease.objects.only("title", "lead", "body").order_by("pk")
    batch = []
    for release in releases.iterator(chunk_size=500):
        for name, value in search_fields(release.title, release.lead, release.body).items():
            setattr(release, name, value)
        batch.append(release)
        if len(batch) == 500:
            PressRelease.objects.bulk_update(batch, ["search_title", "search_lead", "search_body"])
            batch = []
    if batch:
        PressRelease.objects.bulk_update(batch, ["search_title", "search_lead", "search_body"])


def search_field():
    return models.TextField(blank=True, default="", editable=False, serialize=False)


class Migration(migrations.Migration):
    dependencies = [("newsroom", "0011_release_indexes")]

    operations = [
        # 0004's index goes first: the columns below rebuild the table on SQLite.
        migrations.RunPython(
            run({"sqlite": previous.SQLITE_DROP, "postgresql": previous.POSTGRES_DROP}),
            run({"sqlite": previous.SQLITE_CREATE, "postgresql": previous.POSTGRES_CREATE}),
        ),
        migrations.AddField("pressrelease", "search_title", search_field()),
        migrations.AddField("pressrelease", "search_lead", search_field()),
        migrations.AddField("pressrelease", "search_body", search_field()),
        migrations.RunPython(write_search_text, migrations.RunPython.noop),
        migrations.RunPython(
            run({"sqlite": SQLITE_CREATE, "postgresql": POSTGRES_CREATE}),
            run({"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP}),
        ),
    ]
