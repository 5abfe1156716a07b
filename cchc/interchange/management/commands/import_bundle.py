"""`python manage.py import_bundle DIR [--skip-invalid] [--trusted]` (interchange.md §1)."""

from __future__ import annotations

import getpass
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from cchc.interchange.services import bundle_files, import_bundle


class Command(BaseCommand):
    help = (
        "Load a bundle directory (interchange.md): agencies.csv, procedures.csv, "
        "dossiers.jsonl, petitions.jsonl, survey_responses.jsonl, tasks.jsonl, par_templates.csv, "
        "par_nodes.csv and par_scores.csv, whichever are present, in that order. Prints one "
        "line per file; a file with a bad row is not committed at all unless --skip-invalid."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path)
        parser.add_argument(
            "--skip-invalid",
            action="store_true",
            help="commit the valid rows and write the rejects to DIR/rejects/",
        )
        parser.add_argument(
            "--trusted",
            action="store_true",
            help=(
                "the bundle comes from a source you vouch for: on PostgreSQL, where the database "
                "role may set session_replication_role, the dossier loader turns the row-by-row "
                "foreign-key triggers off for its COPY and checks the references set-based "
                "instead (about twice as fast). Without it every foreign key is checked as usual"
            ),
        )

    def handle(self, *args, directory: Path, skip_invalid: bool, trusted: bool, **options):
        if not directory.is_dir():
            raise CommandError(_("%(dir)s is not a directory.") % {"dir": directory})
        if not any((directory / name).is_file() for name in bundle_files()):
            raise CommandError(
                _("%(dir)s holds none of %(files)s.")
                % {"dir": directory, "files": ", ".join(bundle_files())}
            )
        # A file named a little differently (agency.csv, Dossiers.jsonl, tasks.json) would be
        # skipped without a word: say so, with the names that are read.
        known = set(bundle_files())
        for path in sorted(directory.iterdir()):
            if path.is_file() and path.name not in known and not path.name.startswith("."):
                self.stderr.write(
                    _("%(file)s: not a bundle file name, not read (the names are: %(files)s).")
                    % {"file": path.name, "files": ", ".join(bundle_files())}
                )
        try:
            user = getpass.getuser()
        except Exception:  # noqa: BLE001 - no login name in some containers
            user = ""
        results = import_bundle(
            directory, skip_invalid=skip_invalid, initiated_by=user, trusted=trusted
        )
        refused = []
        for result in results:
            # A file-level error is also its line-1 reject: said once, with the line.
            if result.error and not any(r.reason == result.error for r in result.rejects):
                self.stderr.write(f"{result.name}: {result.error}")
            for reject in sorted(result.rejects, key=lambda r: r.line):
                self.stderr.write(f"{result.name}:{reject.line}: {reject.reason}")
            self.stdout.write(result.summary())
            if result.refused:
                refused.append(result.name)
        if refused:
            raise CommandError(
                _("refused (nothing of it was committed): %(files)s")
                % {"files": ", ".join(refused)}
            )
