"""Refresh the index facts of dossiers marked by the queued live refresh (INDICES_REFRESH=queued).

Safe to run in several processes at once: each refresh locks its fact row, and a mark is
removed only if no newer change arrived meanwhile.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from cchc.indices import queue


class Command(BaseCommand):
    help = "Refresh queued index facts (loop; --once drains the queue and exits)."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true")
        parser.add_argument(
            "--batch", type=int, default=500, help="most dossiers refreshed per batch"
        )
        parser.add_argument(
            "--gather",
            type=float,
            default=1.0,
            help="seconds to wait after a batch that did not fill up, so the next one gathers more",
        )

    def handle(self, *args, once: bool, batch: int, gather: float, **options):
        total = queue.run(once=once, limit=batch, gather=gather)
        self.stdout.write(f"refreshed {total} dossier fact(s)")
