"""`python manage.py reconcile_portal FILE_OR_DIR --period P [--province 01]`: the national
portal's published 766 figures against ours for the same period (issue 17 point 4).

Prints one line per (agency, metric) gap with the portal's and our numerator/denominator,
the explanation and the first of our records behind it, then a summary. Exit status 0 only
when every pair present on both sides matches; 2 when a file is not a portal report.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from cchc.core.errors import ValidationFailed
from cchc.indices import portal_compare, reconcile, scoring


class Command(BaseCommand):
    help = "Compare the national portal's published 766 figures with the platform's own."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("target", help="a portal report JSON file or a directory of them")
        parser.add_argument("--period", required=True, help="2026, 2026-Q3 or 2026-08")
        parser.add_argument("--province", default="")

    def handle(self, *args, **opts):  # type: ignore[no-untyped-def]
        target = Path(opts["target"])
        if not target.exists():
            raise CommandError(f"{target} does not exist")
        try:
            period = scoring.reportable(opts["period"], portal_compare.SCHEME)
        except ValidationFailed as exc:
            raise CommandError(exc.message) from exc
        files, bad = [], []
        for path in reconcile.files_in(target):
            try:
                files.append((str(path), portal_compare.parse_upload(path.name, path.read_bytes())))
            except reconcile.PortalFileError as exc:
                bad.append(str(exc))
        for message in bad:
            self.stderr.write(f"ERROR {message}")
        if not files:
            raise CommandError("no portal report file could be read", returncode=2)
        province = opts["province"] or settings.CCHC_PROVINCE_CODE
        result = portal_compare.compare(files, period, province_code=province)
        for message in result.errors:
            self.stderr.write(f"ERROR {message}")
        for g in result.gaps:
            self.stdout.write(
                f"GAP {g.agency_code} {g.group}/{g.metric}: portal {g.portal[0]}/{g.portal[1]} "
                f"ours {g.ours[0]}/{g.ours[1]} - {g.explanation}"
            )
            if g.listed or g.records:
                codes = ", ".join(g.records) + (" ..." if g.listed_count > len(g.records) else "")
                self.stdout.write(f"    {g.listed} {codes} {g.url}".rstrip())
        for unit in result.unmatched_units:
            self.stdout.write(f"UNKNOWN UNIT {unit}")
        self.stdout.write(
            f"{period}: {result.matching}/{result.compared} agency-metric figures match; "
            f"{len(result.gaps)} gaps; {len(result.unmatched_units)} portal units not found here"
        )
        if bad or result.errors:
            raise SystemExit(2)
        if result.gaps:
            raise SystemExit(1)
