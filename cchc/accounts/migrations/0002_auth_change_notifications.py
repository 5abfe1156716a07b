"""PostgreSQL tells the web server's processes when a token, a user or a membership changes.

Each process keeps the API tokens it has checked, with their users and the users' roles
(cchc.accounts.tokens), and listens on the channel `cchc_auth`; these statement-level
triggers send a notification there, delivered when the changing transaction commits. Only
what a kept token depends on is a reason to forget: any change of memberships; a token's
key, owner or revocation (not `last_used_at`, written once a minute by every API client, nor
a new token); any column of a user but `last_login` and the password, written at every
sign-in and change of password on the web (nor a new user). A test holds the user trigger
to every column of the model, so a column added later cannot be missed. Deletions and
TRUNCATE (the test database's flush) always count. Nothing is sent on SQLite, where nothing
is kept.
"""

from django.db import migrations

TABLES = {
    "accounts_apitoken": "UPDATE OF key_hash, user_id, revoked_at OR DELETE OR TRUNCATE",
    "accounts_user": ("UPDATE OF is_superuser, username, first_name, last_name, email, is_staff, is_active, "
                      "date_joined, kind, full_name, phone, province_code, national_id_hash, national_id_last4, "
                      "email_verified, phone_verified OR DELETE OR TRUNCATE"),
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
