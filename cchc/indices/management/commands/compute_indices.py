"""`python manage.py compute_indices --scheme qd766 --period P --format json` (interchange.md §2)."""

from __future__ import annotations

import json

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.module_loading import import_string

from cchc.core.errors import DomainError
from cchc.indices.reports import period_document
from cchc.indices.scoring import reportable


class Command(BaseCommand):
    help = "Print the index document of a period (closed periods print their frozen figures)."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--scheme", default="qd766")
        parser.add_argument("--period", required=True)
        parser.add_argument("--format", default="json", choices=["json"])
        parser.add_argument(
            "--province",
            default=settings.CCHC_PROVINCE_CODE,
            help="two-digit province code (default: the province served, CCHC_PROVINCE_CODE)",
        )
        parser.add_argument(
            "--live", action="store_true", help="recompute even if the period is closed"
        )

    def handle(self, *args, **opts):  # type: ignore[no-untyped-def]
        try:
            computed_elsewhere = settings.INDEX_SCHEMES.get(opts["scheme"])
            # the scheme's own module checks its methodology; the period's form and date here
            period = reportable(opts["period"], None if computed_elsewhere else opts["scheme"])
            if computed_elsewhere:
                # schemes whose data lives in another module (SIPAS in surveys, PAR in reform):
                # that module builds the same document shape (interchange.md §5, §6)
                doc = import_string(computed_elsewhere)(
                    opts["period"], province_code=opts["province"]
                )
                self.stdout.write(json.dumps(doc, ensure_ascii=False, indent=1))
                return
            doc = period_document(
                opts["scheme"], period, province_code=opts["province"], live=opts["live"]
            )
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(json.dumps(doc, ensure_ascii=False, indent=1))
