"""Full-text index of releases for public search (see newsroom/site/search.py).

SQLite: an FTS5 table over title, lead and body, kept current by triggers so
that every write (admin, fixtures, bulk updates) reaches it. PostgreSQL: a GIN
index on the same text. Other databases search by substring.

SQLite rebuilds a table to add most columns, and the rebuild drops these
triggers: a later migration that adds columns to the release table takes the
index down first and builds it again after (as 0005 does).
"""

from django.db import migrations

SQLITE_CREATE = [
    """CREATE VIRTUAL TABLE newsroom_release_fts USING fts5(
        title, lead, body,
        content='newsroom_pressrelease', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2'
    )""",
    """CREATE TRIGGER newsroom_release_fts_insert AFTER INSERT ON newsroom_pressrelease BEGIN
        INSERT INTO newsroom_release_fts(rowid, title, lead, body)
        VALUES (new.id, new.title, new.lead, new.body);
    END""",
    """CREATE TRIGGER newsroom_release_fts_delete AFTER DELETE ON newsroom_pressrelease BEGIN
        INSERT INTO newsroom_release_fts(newsroom_release_fts, rowid, title, lead, body)
        VALUES ('delete', old.id, old.title, old.lead, old.body);
    END""",
    """CREATE TRIGGER newsroom_release_fts_update AFTER UPDATE ON newsroom_pressrelease BEGIN
        INSERT INTO newsroom_release_fts(newsroom_release_fts, rowid, title, lead, body)
        VALUES ('delete', old.id, old.title, old.lead, old.body);
        INSERT INTO newsroom_release_fts(rowid, title, lead, body)
        VALUES (new.id, new.title, new.lead, new.body);
    END""",
    "INSERT INTO newsroom_release_fts(newsroom_release_fts) VALUES ('rebuild')",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS newsroom_release_fts_insert",
    "DROP TRIGGER IF EXISTS newsroom_release_fts_delete",
    "DROP TRIGGER IF EXISTS newsroom_release_fts_update",
    "DROP TABLE IF EXISTS newsroom_release_fts",
]
POSTGRES_CREATE = [
    """CREATE INDEX newsroom_release_search ON newsroom_pressrelease USING GIN (
        to_tsvector('simple'::regconfig, coalesce("newsroom_pressrelease"."title", '') || ' ' ||
        coalesce("newsroom_pressrelease"."lead", '') || ' ' ||
        coalesce("newsroom_pressrelease"."body", ''))
    )"""
]
POSTGRES_DROP = ["DROP INDEX IF EXISTS newsroom_release_search"]


def run(statements_by_vendor):
    def operation(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return operation


class Migration(migrations.Migration):
    dependencies = [("newsroom", "0003_workflow_links")]

    operations = [
        migrations.RunPython(
            run({"sqlite": SQLITE_CREATE, "postgresql": POSTGRES_CREATE}),
            run({"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP}),
        )
    ]
