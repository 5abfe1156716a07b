"""`python manage.py import_par_external FILE_OR_DIR [--skip-invalid]`: published values of
PAPI (dimensions, sub-dimensions, total), the national PAR INDEX and SIPAS from
`par_external.csv` (docs/reform.md). Each refused row is printed as `file:line: reason`;
a file with a refused row writes nothing unless --skip-invalid."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from cchc.reform.external_import import FILE_NAME, import_external


class Command(BaseCommand):
    help = "Load published values of external indices (PAPI, PAR INDEX, SIPAS) from a CSV file."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--skip-invalid", action="store_true", help="load the good rows, list the others"
        )

    def handle(self, *args, path: Path, skip_invalid: bool, **options):  # type: ignore[no-untyped-def]
        if path.is_dir():
            path = path / FILE_NAME
        if not path.is_file():
            raise CommandError(_("%(p)s is not a file.") % {"p": path})
        result = import_external(path, skip_invalid=skip_invalid)
        for r in result.rejects:
            self.stderr.write(f"{path.name}:{r.line}: {r.reason}")
        self.stdout.write(result.summary())
        if result.refused:
            raise CommandError(_("refused (nothing of it was committed): %(f)s") % {"f": path.name})
