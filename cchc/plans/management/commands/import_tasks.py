"""`python manage.py import_tasks FILE_OR_DIR [--skip-invalid]`: tasks.jsonl (interchange.md §7)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cchc.core.management.file_import import FileImportCommand
from cchc.plans.interchange import FILE_NAME, import_tasks


class Command(FileImportCommand):
    help = "Load tasks.jsonl (a file, or a bundle directory holding one)."
    file_name = FILE_NAME

    def load(self, path: Path, *, skip_invalid: bool) -> Any:
        return import_tasks(path, skip_invalid=skip_invalid)
