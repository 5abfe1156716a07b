"""`python manage.py reconcile_portal FILE_OR_DIR --period P [--province 01]`: the national
portal's published 766 figures against ours for the same period (issue 17 point 4).

Prints the summary first, then one line per (agency, metric) gap with the portal's and our
numerator/denominator and the explanation, and under it how many of our records are listed
behind it and every one of their codes (it stopped at the first ten: a reviewer could not see
the rest). `--csv PATH` also writes them one record a row, for a spreadsheet. Exit status 0
only when every pair present on both sides matches; 2 when a file is not a portal report.
"""

from __future__ import annotations

import csv
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
        parser.add_argument(
            "--csv",
            dest="csv_path",
            default="",
            help="also write every gap and each record listed behind it, one a row, to this file",
        )

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
        result = portal_compare.compare(files, period, province_code=province, every=True)
        for message in result.errors:
            self.stderr.write(f"ERROR {message}")
        listed = sum(len(g.records) + len(g.more) for g in result.gaps)
        # the summary first: the codes below it can run to thousands of lines' worth
        self.stdout.write(
            f"{period}: {result.matching}/{result.compared} agency-metric figures match; "
            f"{len(result.gaps)} gaps; {len(result.unmatched_units)} portal units not found here; "
            f"{listed} records listed behind the gaps"
        )
        if opts["csv_path"]:
            self._write_csv(Path(opts["csv_path"]), result.gaps)
            self.stdout.write(f"every gap and record listed also in {opts['csv_path']}")
        for g in result.gaps:
            self.stdout.write(
                f"GAP {g.agency_code} {g.group}/{g.metric}: portal {g.portal[0]}/{g.portal[1]} "
                f"ours {g.ours[0]}/{g.ours[1]} - {g.explanation}"
            )
            codes = [*g.records, *g.more]
            if g.listed or codes:
                written = f"{len(codes)} codes: {', '.join(codes)}" if codes else ""
                self.stdout.write(f"    {g.listed} {written} {g.url}".rstrip())
        for unit in result.unmatched_units:
            self.stdout.write(f"UNKNOWN UNIT {unit}")
        if bad or result.errors:
            raise SystemExit(2)
        if result.gaps:
            raise SystemExit(1)

    @staticmethod
    def _write_csv(path: Path, gaps: list[portal_compare.Gap]) -> None:
        """One row per listed record of each gap (a gap with none listed: one row, no code);
        UTF-8 with a byte-order mark so a spreadsheet reads the Vietnamese names."""
        with path.open("w", encoding="utf-8-sig", newline="") as fh:
            out = csv.writer(fh)
            out.writerow(
                [
                    "agency_code",
                    "agency_name",
                    "group",
                    "metric",
                    "portal_numerator",
                    "portal_denominator",
                    "our_numerator",
                    "our_denominator",
                    "explanation",
                    "record_code",
                ]
            )
            for g in gaps:
                gap = [g.agency_code, g.agency_name, g.group, g.metric, *g.portal, *g.ours]
                for code in [*g.records, *g.more] or [""]:
                    out.writerow([*gap, g.explanation, code])
