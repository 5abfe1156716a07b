"""PostgreSQL tells the web server's processes when a token, a user or a membership changes.

Each process keeps the API tokens it has checked (cchc.accounts.tokens) and listens on the
channel `cchc_auth`; these statement-level triggers send a notification there, delivered
when the changing transaction commits. A token's `last_used_at`, written once a minute by
every API client, is not a reason to forget: the token trigger fires only on the columns
that decide what a token may do. Nothing is sent on SQLite, where nothing is kept.
"""

from django.db import migrations

TABLES = {
    "accounts_apitoken": "INSERT OR UPDATE OF key_hash, user_id, revoked_at OR DELETE OR TRUNCATE",
    "accounts_user": "INSERT OR UPDATE OR DELETE OR TRUNCATE",
    "accounts_membership": "INSERT OR UPDATE OR DELETE OR TRUNCATE",
}

PG = ["""
CREATE OR REPLACE FUNCTION cchc_auth_changed() RETURNS trigger AS $$
BEGIN
  PERFORM pg_notify('cchc_auth', TG_TABLE_NAME);
  RETURN NULL;
END; $$ LANGUAGE plpgsql;
"""] + [
    f"CREATE TRIGGER {table}_notify AFTER {events} ON {table} "
    "FOR EACH STATEMENT EXECUTE FUNCTION cchc_auth_changed();"
    for table, events in TABLES.items()
]
PG_DROP = [f"DROP TRIGGER IF EXISTS {table}_notify ON {table};" for table in TABLES] + [
    "DROP FUNCTION IF EXISTS cchc_auth_changed();"
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in PG:
            schema_editor.execute(sql)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in PG_DROP:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
