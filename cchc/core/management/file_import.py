"""The one shape of a command that loads one interchange file, `FILE_OR_DIR [--skip-invalid]`
(`import_tasks`, `import_par_external`): the file itself or the bundle directory holding it;
each refused row printed as `file:line: reason`, then the counts; a refused file is an error
(nothing of it was committed)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _


class FileImportCommand(BaseCommand):
    file_name = ""  # the file's name inside a bundle directory

    def load(self, path: Path, *, skip_invalid: bool) -> Any:
        """Load the file; returns its result (`name`, `rejects`, `refused`, `summary()`)."""
        raise NotImplementedError

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--skip-invalid", action="store_true", help="load the good rows, list the others"
        )

    def handle(self, *args: Any, path: Path, skip_invalid: bool, **options: Any) -> None:
        if path.is_dir():
            path = path / self.file_name
        if not path.is_file():
            raise CommandError(_("%(p)s is not a file.") % {"p": path})
        result = self.load(path, skip_invalid=skip_invalid)
        for r in result.rejects:
            self.stderr.write(f"{result.name}:{r.line}: {r.reason}")
        self.stdout.write(result.summary())
        if result.refused:
            raise CommandError(
                _("refused (nothing of it was committed): %(f)s") % {"f": result.name}
            )
