"""`python manage.py import_par_external FILE_OR_DIR [--skip-invalid]`: published values of
PAPI (dimensions, sub-dimensions, total), the national PAR INDEX and SIPAS from
`par_external.csv` (docs/reform.md). Each refused row is printed as `file:line: reason`;
a file with a refused row writes nothing unless --skip-invalid."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cchc.core.management.file_import import FileImportCommand
from cchc.reform.external_import import FILE_NAME, import_external


class Command(FileImportCommand):
    help = "Load published values of external indices (PAPI, PAR INDEX, SIPAS) from a CSV file."
    file_name = FILE_NAME

    def load(self, path: Path, *, skip_invalid: bool) -> Any:
        return import_external(path, skip_invalid=skip_invalid)
