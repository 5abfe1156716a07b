"""`python manage.py rebuild_par_summaries [--year 2026]`: rewrite the per-assessment PAR
INDEX summaries from the Score rows (after upgrading to them, or after a change of
`scoring.SUMMARY_LAYOUT`). The services keep them current afterwards; an assessment without a
current summary is scored from its rows meanwhile, so results never depend on running this."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from cchc.core.actors import SYSTEM
from cchc.core.errors import DomainError
from cchc.reform import publishing


class Command(BaseCommand):
    help = "Rewrite the PAR INDEX per-assessment summaries from the score rows."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--year", type=int, default=None)

    def handle(self, *args, year: int | None, **options):  # type: ignore[no-untyped-def]
        try:
            n = publishing.rebuild_summaries(actor=SYSTEM, year=year)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(f"{n} PAR INDEX assessment summaries rewritten")
