"""`python manage.py import_staff staff.csv --user USERNAME [--check]`: staff accounts from a
spreadsheet (cchc/accounts/staff_import.py), with the permissions of USERNAME (Home Affairs
for the whole province, an agency's administrator for that agency). Every refused line is
printed as `staff.csv:line: column: reason` and nothing is written; the last line is the
summary. `--check` only says what the file would do."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from cchc.accounts import staff_import
from cchc.accounts.models import User


class Command(BaseCommand):
    help = "Create staff accounts and roles from staff.csv."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--user", required=True, help="whose permissions apply")
        parser.add_argument("--check", action="store_true", help="write nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            actor = User.objects.get(username=options["user"], is_active=True)
        except User.DoesNotExist:
            raise CommandError(f"no active account {options['user']!r}") from None
        path: Path = options["file"]
        try:
            text = staff_import.decode(path.read_bytes())
        except (OSError, ValueError) as exc:
            raise CommandError(f"{path}: {exc}") from None
        run = staff_import.check if options["check"] else staff_import.load
        plan = run(actor, text)
        for error in plan.errors:
            column = f" {error.column}:" if error.column else ""
            self.stderr.write(f"{path.name}:{error.line}:{column} {error.message}")
        if not plan.ok:
            self.stdout.write(
                f"{staff_import.FILE_NAME}: 0 accounts created, 0 roles granted, 0 unchanged, {len(plan.errors)} errors"
            )
            raise CommandError("the file was not loaded: nothing was written")
        self.stdout.write(
            plan.summary() + (" (check: nothing written)" if options["check"] else "")
        )
