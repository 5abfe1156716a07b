"""`python manage.py reconcile_766 FILE_OR_DIR` (interchange.md §3).

Prints per group: rows checked, rows matching within 0.015 points, worst difference. Exit
status 0 only when every row of every group whose formula is confirmed matches.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from cchc.indices import reconcile
from cchc.indices.engine import load_spec


class Command(BaseCommand):
    help = (
        "Recompute the national portal's 766 report rows with our methodology engine and compare."
    )

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("target", help="a portal report JSON file or a directory of them")
        parser.add_argument("--scheme", default="qd766")
        parser.add_argument(
            "--on", default="", help="methodology in force on this date (YYYY-MM-DD); default today"
        )
        parser.add_argument(
            "--show-mismatches", type=int, default=5, help="list up to N mismatching rows per file"
        )

    def handle(self, *args, **opts):  # type: ignore[no-untyped-def]
        target = Path(opts["target"])
        if not target.exists():
            raise CommandError(_("%(p)s does not exist.") % {"p": target})
        on = dt.date.fromisoformat(opts["on"]) if opts["on"] else timezone.localdate()
        spec = load_spec(opts["scheme"], on)
        checks, errors = reconcile.check_paths(spec, reconcile.files_in(target))
        for err in errors:
            self.stderr.write(f"ERROR {err}")
        if not checks:
            raise CommandError(_("No portal report file could be read."))
        failed = bool(errors)
        self.stdout.write(f"{spec.scheme} {spec.version} - tolerance {reconcile.TOLERANCE}")
        self.stdout.write(
            f"{'group':<14} {'status':<12} {'files':>5} {'checked':>8} {'matching':>9} {'worst':>8} {'skipped':>8}"
        )
        for s in reconcile.summarise(spec, checks):
            status = "confirmed" if s.group.confirmed else "provisional"
            self.stdout.write(
                f"{s.group.code:<14} {status:<12} {s.files:>5} {s.checked:>8} {s.matching:>9} {s.worst:>8.4f} {s.skipped:>8}"
            )
            if s.group.confirmed and not s.ok:
                failed = True
            if not s.group.confirmed and s.skipped:
                self.stdout.write(
                    f"  {s.group.code}: provisional formula; {s.skipped} rows carry no components and cannot be recomputed"
                )
        limit = opts["show_mismatches"]
        for c in checks:
            bad = [r for r in c.rows if not r.matches][:limit]
            for r in bad:
                self.stdout.write(
                    f"  MISMATCH {Path(c.path).parent.name}/{Path(c.path).name} {r.code} {r.name}: portal {r.portal} ours {r.ours}"
                )
        confirmed = [s for s in reconcile.summarise(spec, checks) if s.group.confirmed]
        total = sum(s.checked for s in confirmed)
        matching = sum(s.matching for s in confirmed)
        self.stdout.write(f"confirmed groups: {matching}/{total} rows match")
        if failed:
            raise SystemExit(1)
