"""An index of what a search on SQLite asks of each match: whether it is public, its
language and publication (``SQLITE_ROWS_INDEX`` in newsroom/site/search.py).

SQLite only. PostgreSQL's search reads each row's own vector, and there the index
would lead the planner astray: it hashed every release of a topic to find one public.
Like 0012's full-text table, it is not in the model's state, so a later migration
that rebuilds the release table on SQLite drops it: such a migration creates it again
(``SQLITE_CREATE`` here), as it does the full-text table.
"""

from importlib import import_module

from django.db import migrations

run = import_module("newsroom.migrations.0004_public_search").run

SQLITE_CREATE = [
    "CREATE INDEX newsroom_pr_search_rows_idx "
    'ON newsroom_pressrelease ("id", "status", "publish_at", "language")',
]
SQLITE_DROP = ["DROP INDEX IF EXISTS newsroom_pr_search_rows_idx"]


class Migration(migrations.Migration):
    dependencies = [("newsroom", "0012_search_languages")]

    operations = [
        migrations.RunPython(run({"sqlite": SQLITE_CREATE}), run({"sqlite": SQLITE_DROP}))
    ]
