"""`manage.py backup_database FILE`: a consistent backup of the application's database
(pg_dump --format=custom on PostgreSQL, the sqlite3 backup API on SQLite); docs/security.md §8."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cchc.core.backup import BackupError, backup


class Command(BaseCommand):
    help = "Take a consistent backup of the database into FILE."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        target: Path = options["file"]
        if target.exists():
            raise CommandError(f"{target} exists; choose a new file name.")
        try:
            backup(target)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"backup written to {target} ({target.stat().st_size} bytes)")
