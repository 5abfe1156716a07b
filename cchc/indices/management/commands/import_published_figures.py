"""`python manage.py import_published_figures FILE --user NAME [--province 01]`: enter the
published figures of counters the platform holds no data for (electronic certified copies),
from a CSV `agency_code,period,counter,value,source` (docs/interchange.md). All or nothing;
every figure is audited with the user's name."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from cchc.core.errors import DomainError
from cchc.indices import figures
from cchc.indices.management.commands.close_period import acting_user


class Command(BaseCommand):
    help = "Import published figures (e.g. electronic certified copies) per agency and period."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("file")
        parser.add_argument("--province", default=settings.CCHC_PROVINCE_CODE)
        parser.add_argument("--user", required=True, help="the Home Affairs user entering them")

    def handle(self, *args, **opts):  # type: ignore[no-untyped-def]
        try:
            with open(opts["file"], encoding="utf-8-sig", newline="") as handle:
                rows = figures.read_csv(handle)
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(
                _("Cannot read %(f)s: %(e)s") % {"f": opts["file"], "e": exc}
            ) from exc
        try:
            changed = figures.enter_figures(
                actor=acting_user(opts["user"], opts["province"]),
                province_code=opts["province"],
                rows=rows,
            )
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            _("%(n)s figures read, %(c)s entered or changed.") % {"n": len(rows), "c": changed}
        )
