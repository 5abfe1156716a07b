"""The event log is the audit trail: the database refuses to change or delete it."""

from django.db import migrations

PG = """
CREATE OR REPLACE FUNCTION cchc_events_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'dossier events are append-only';
END; $$ LANGUAGE plpgsql;
CREATE TRIGGER dossierevent_no_update BEFORE UPDATE OR DELETE ON dossiers_dossierevent
  FOR EACH ROW EXECUTE FUNCTION cchc_events_append_only();
"""
PG_DROP = """
DROP TRIGGER IF EXISTS dossierevent_no_update ON dossiers_dossierevent;
DROP FUNCTION IF EXISTS cchc_events_append_only();
"""
# SQLite (the demo database) refuses updates only: its `flush` (used between transactional
# tests and by `manage.py flush`) empties tables with DELETE, which a delete trigger would
# block, whereas PostgreSQL's TRUNCATE does not fire row triggers. Deleting single events is
# still refused by the model on every database.
SQLITE = [
    "CREATE TRIGGER dossierevent_no_update BEFORE UPDATE ON dossiers_dossierevent "
    "BEGIN SELECT RAISE(ABORT, 'dossier events are append-only'); END;",
]
SQLITE_DROP = ["DROP TRIGGER IF EXISTS dossierevent_no_update;", "DROP TRIGGER IF EXISTS dossierevent_no_delete;"]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG)
    elif schema_editor.connection.vendor == "sqlite":
        for sql in SQLITE:
            schema_editor.execute(sql)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_DROP)
    elif schema_editor.connection.vendor == "sqlite":
        for sql in SQLITE_DROP:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("dossiers", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
