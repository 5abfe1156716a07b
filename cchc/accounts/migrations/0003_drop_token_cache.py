"""The per-process API token cache is gone (issue 11): every request reads its token, so the
notifications that told the processes to forget kept tokens (migration 0002) have no listener
any more. Drops the three statement-level triggers and their function (PostgreSQL only, as
0002 created them only there); reversing creates them again."""

from django.db import migrations

TABLES = {
    "accounts_apitoken": "UPDATE OF key_hash, user_id, revoked_at OR DELETE OR TRUNCATE",
    "accounts_user": (
        "UPDATE OF is_superuser, username, first_name, last_name, email, is_staff, is_active, "
        "date_joined, kind, full_name, phone, province_code, national_id_hash, national_id_last4, "
        "email_verified, phone_verified OR DELETE OR TRUNCATE"
    ),
    "accounts_membership": "INSERT OR UPDATE OR DELETE OR TRUNCATE",
}

DROP = [f"DROP TRIGGER IF EXISTS {table}_notify ON {table};" for table in TABLES] + [
    "DROP FUNCTION IF EXISTS cchc_auth_changed();"
]
CREATE = [
    """
CREATE OR REPLACE FUNCTION cchc_auth_changed() RETURNS trigger AS $$
BEGIN
  PERFORM pg_notify('cchc_auth', TG_TABLE_NAME);
  RETURN NULL;
END; $$ LANGUAGE plpgsql;
"""
] + [
    f"CREATE TRIGGER {table}_notify AFTER {events} ON {table} "
    "FOR EACH STATEMENT EXECUTE FUNCTION cchc_auth_changed();"
    for table, events in TABLES.items()
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_auth_change_notifications")]
    operations = [migrations.RunPython(_run(DROP), _run(CREATE))]
