"""`manage.py restore_database FILE NEW_DATABASE`: restore a backup of `backup_database` into
a new database (a PostgreSQL database name, or a new SQLite file); docs/security.md §8.
Point DATABASE_URL at the new database to run the application on it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cchc.core.backup import BackupError, restore


class Command(BaseCommand):
    help = "Restore a backup FILE into a new database NEW_DATABASE (never over an existing one)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("new_database")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            restore(options["file"], options["new_database"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"restored {options['file']} into {options['new_database']}")
