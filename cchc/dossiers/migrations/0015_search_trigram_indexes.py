"""Trigram indexes for the work-queue search (PostgreSQL only).

The search looks for words anywhere in a dossier's folded text and code (`LIKE '%word%'`),
which no B-tree serves: a search for a name that few dossiers carry walked every dossier a
department may see (8.5 s at 1 M dossiers for a clerk who sees 325 k). pg_trgm's GIN indexes
let PostgreSQL find the rows by their trigrams and combine them with the visibility indexes.

pg_trgm is a trusted extension (PostgreSQL 13+): the database owner that runs migrations may
create it. Where it cannot be created, the indexes are left out with a notice: the search
still answers, as slowly as before. SQLite (the demo's database) has no such index.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

INDEXES = {
    "dossier_search_trgm": "search_text gin_trgm_ops",
    "dossier_code_trgm": "(UPPER(code::text)) gin_trgm_ops",  # code__icontains's expression
}


def forward(apps: Any, schema_editor: Any) -> None:
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    try:
        with connection.cursor() as cur:
            cur.execute("SAVEPOINT trgm")
            cur.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            cur.execute("RELEASE SAVEPOINT trgm")
    except Exception as exc:  # noqa: BLE001 - reported; the search works without the indexes
        with connection.cursor() as cur:
            cur.execute("ROLLBACK TO SAVEPOINT trgm")
        print(f"\n  pg_trgm not available ({exc}): work-queue search left without trigram indexes")
        return
    for name, expression in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON dossiers_dossier USING gin ({expression})"
        )


def backward(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("dossiers", "0014_all_tab_indexes")]

    operations = [migrations.RunPython(forward, backward)]
