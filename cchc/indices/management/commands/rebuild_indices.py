"""`python manage.py rebuild_indices --period 2026`: rebuild facts and summaries (restartable)."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from cchc.core.errors import DomainError
from cchc.indices.rebuild import REBUILD_CHUNK, rebuild_period
from cchc.indices.scoring import reportable


class Command(BaseCommand):
    help = "Rebuild the index facts and summaries of a period (2026, 2026-Q3, 2026-08); resumes an interrupted run."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--period", required=True)
        parser.add_argument(
            "--scheme", default="qd766", help="the methodology the period must fall under"
        )
        parser.add_argument("--chunk", type=int, default=REBUILD_CHUNK)
        parser.add_argument(
            "--restart", action="store_true", help="ignore an interrupted run and start over"
        )
        parser.add_argument(
            "--processes",
            type=int,
            default=None,
            help="worker processes on PostgreSQL (default: one per CPU; 1 = a reader thread)",
        )

    def handle(self, *args, **opts):  # type: ignore[no-untyped-def]
        try:
            period = reportable(opts["period"], opts["scheme"])
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        started = time.monotonic()
        if opts["processes"] is not None and opts["processes"] < 1:
            raise CommandError("--processes must be at least 1.")
        job = rebuild_period(
            period,
            chunk=opts["chunk"],
            restart=opts["restart"],
            processes=opts["processes"],
            progress=lambda n: self.stdout.write(f"  {n} dossiers", ending="\r"),
        )
        self.stdout.write(
            f"rebuilt {period}: {job.dossiers_done} dossiers in {time.monotonic() - started:.1f} s"
        )
