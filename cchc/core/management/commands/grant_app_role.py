"""(Re)grant the application's least-privileged PostgreSQL role its privileges, and no more.

    manage.py grant_app_role cchc_app                 # as the owner: --database owner
                                                     # (MIGRATION_DATABASE_URL) or default

Run after every `migrate` (new tables need their grants). What the role gets, on every table
and sequence of the schema the connection uses (docs/security.md §7):

* SELECT, INSERT, UPDATE, DELETE on tables — never TRUNCATE, REFERENCES or TRIGGER, so it
  cannot empty a table past the row triggers nor create or drop triggers; the append-only
  triggers still refuse UPDATE and DELETE of event rows;
* USAGE on sequences (the ids of new rows);
* USAGE on the schema, and CREATE revoked from it;
* on the anchors of the event chains (`core.ChainAnchor`, `core.ChainAnchorHead`) only
  SELECT and INSERT: the role records anchors but can neither change nor delete them (their
  append-only triggers refuse it as well).

Everything else it held on those tables and sequences is revoked first, so running the
command again after a migration or a mistaken manual grant leaves exactly this. The command
refuses a role that owns any of the tables, is a superuser, or may bypass row security:
such a role is not least-privileged whatever is granted.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections, transaction

TABLE_PRIVILEGES = "SELECT, INSERT, UPDATE, DELETE"
SEQUENCE_PRIVILEGES = "USAGE"
INSERT_ONLY_TABLES = ("core_chainanchor", "core_chainanchorhead")


def grant_app_role(role: str, using: str) -> list[str]:
    """The statements run (for the report); raises CommandError on an unsuitable role."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        raise CommandError("grant_app_role needs PostgreSQL (SQLite has no roles).")
    quote = connection.ops.quote_name
    with transaction.atomic(using=using), connection.cursor() as cur:
        cur.execute(
            "SELECT rolsuper, rolbypassrls, current_schema() FROM pg_roles WHERE rolname = %s",
            [role],
        )
        found = cur.fetchone()
        if found is None:
            raise CommandError(f"no role {role!r}: CREATE ROLE {role} LOGIN PASSWORD '…' first")
        superuser, bypass, schema = found
        if superuser or bypass:
            raise CommandError(f"{role} is a superuser or bypasses row security")
        cur.execute(
            "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = %s AND pg_has_role(%s, c.relowner, 'USAGE')",
            [schema, role],
        )
        if cur.fetchone()[0]:
            raise CommandError(
                f"{role} owns tables of schema {schema} (or is a member of their owner): "
                "connect the application as a role of its own"
            )
        r, s = quote(role), quote(schema)
        statements = [
            f"REVOKE ALL ON ALL TABLES IN SCHEMA {s} FROM {r}",
            f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {s} FROM {r}",
            f"REVOKE CREATE ON SCHEMA {s} FROM {r}",
            f"GRANT USAGE ON SCHEMA {s} TO {r}",
            f"GRANT {TABLE_PRIVILEGES} ON ALL TABLES IN SCHEMA {s} TO {r}",
            f"GRANT {SEQUENCE_PRIVILEGES} ON ALL SEQUENCES IN SCHEMA {s} TO {r}",
            *(
                f"REVOKE UPDATE, DELETE ON {s}.{quote(table)} FROM {r}"
                for table in INSERT_ONLY_TABLES
            ),
        ]
        for statement in statements:
            cur.execute(statement)
    return statements


class Command(BaseCommand):
    help = "Grant the application's database role exactly its privileges (run after migrate)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("role", help="the application's PostgreSQL role")
        parser.add_argument(
            "--database",
            default="owner" if "owner" in settings.DATABASES else "default",
            help="the alias to connect with: the tables' owner (default: owner if defined)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        for statement in grant_app_role(options["role"], options["database"]):
            self.stdout.write(statement)
