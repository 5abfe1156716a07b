"""`python manage.py import_tasks FILE_OR_DIR [--skip-invalid]`: tasks.jsonl (interchange.md §7)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from cchc.plans.interchange import FILE_NAME, import_tasks


class Command(BaseCommand):
    help = "Load tasks.jsonl (a file, or a bundle directory holding one)."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument("--skip-invalid", action="store_true")

    def handle(self, *args, path: Path, skip_invalid: bool, **options):
        if path.is_dir():
            path = path / FILE_NAME
        if not path.is_file():
            raise CommandError(_("%(p)s is not a file.") % {"p": path})
        result = import_tasks(path, skip_invalid=skip_invalid)
        for r in result.rejects:
            self.stderr.write(f"{result.name}:{r.line}: {r.reason}")
        self.stdout.write(result.summary())
        if result.refused:
            raise CommandError(
                _("refused (nothing of it was committed): %(f)s") % {"f": result.name}
            )
