"""`python manage.py export_bundle DIR --from YYYY-MM-DD --to YYYY-MM-DD` (interchange.md §1)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from cchc.interchange.services import export_bundle


def _day(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(
            _("%(value)r is not a date in the form YYYY-MM-DD.") % {"value": value}
        ) from None


class Command(BaseCommand):
    help = (
        "Write a bundle (interchange.md) into DIRECTORY: all agencies and procedures, and the "
        "dossiers, petitions, survey responses and reform tasks of the date range, for "
        "import_bundle in another installation."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path)
        parser.add_argument(
            "--from", dest="date_from", required=True, help="first receipt date, YYYY-MM-DD"
        )
        parser.add_argument(
            "--to", dest="date_to", required=True, help="last receipt date, YYYY-MM-DD"
        )

    def handle(self, *args, directory: Path, date_from: str, date_to: str, **options):
        start, end = _day(date_from), _day(date_to)
        if end < start:
            raise CommandError(_("The end date is before the start date."))
        counts = export_bundle(directory, date_from=start, date_to=end)
        for name, count in counts.items():
            self.stdout.write(f"{name}: {count} rows")
