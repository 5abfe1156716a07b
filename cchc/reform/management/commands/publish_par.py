"""`python manage.py publish_par --year 2026 [--province 01] [--reason TEXT]`: freeze the
year's PAR INDEX results (as Home Affairs does from the ranking page); with a reason, a
recorded restatement of results already published. `compute_indices --scheme par` then prints
the frozen figures with `"frozen": true`."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from cchc.core.actors import SYSTEM
from cchc.core.errors import DomainError
from cchc.reform import publishing


class Command(BaseCommand):
    help = "Publish (freeze) or restate a year's PAR INDEX results."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--province", default=settings.CCHC_PROVINCE_CODE)
        parser.add_argument("--reason", default="", help="required to restate published results")
        parser.add_argument(
            "--confirm-incomplete",
            action="store_true",
            help="publish although some units have not submitted or are still under appraisal",
        )

    def handle(self, *args, year: int, province: str, reason: str, **options):  # type: ignore[no-untyped-def]
        try:
            rs = publishing.publish_results(
                year,
                actor=SYSTEM,
                province_code=province,
                reason=reason,
                confirm_incomplete=options["confirm_incomplete"],
            )
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            f"PAR {year} ({province}): version {rs.version} published at "
            f"{rs.published_at.isoformat()}, {len(rs.summary)} units"
        )
