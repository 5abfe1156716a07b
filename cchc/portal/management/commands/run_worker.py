"""Background worker: sends queued notifications (e-mail, SMS) with retries and backoff, and
refreshes the index facts of dossiers whose mark outlived its after-commit refresh (a crash
between a commit and its refresh, or INDICES_REFRESH=queued).

Both are outboxes written in the transaction of the change they follow. Several workers may
run at once: notifications are claimed with SELECT ... FOR UPDATE SKIP LOCKED, an index mark
is removed only if no newer change re-marked its dossier.

The loop outlives the database: when it restarts or cannot be reached, the round is given up
(a message claimed in it is leased and comes back after NOTIFICATION_LEASE_SECONDS, a mark
stays), the connection is dropped and the next round reconnects. `--once` still fails.
"""

from __future__ import annotations

import logging
import time

from django.core.management.base import BaseCommand
from django.db import DatabaseError, connections

from cchc.indices import queue
from cchc.portal.notifications import drain

log = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Send queued notifications; loop forever, or drain the queue once with --once."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="drain the queue once and exit")
        parser.add_argument(
            "--interval", type=float, default=5.0, help="seconds between polls (default 5)"
        )
        parser.add_argument(
            "--batch", type=int, default=50, help="messages claimed per round (default 50)"
        )

    def handle(self, *args, **options):
        while True:
            try:
                counts = drain(batch=options["batch"])
                refreshed = 0
                while done := queue.drain(limit=500):
                    refreshed += done
            except DatabaseError:
                if options["once"]:
                    raise
                log.warning("database unavailable; the worker tries again", exc_info=True)
                connections.close_all()
                time.sleep(max(options["interval"], 1.0))
                continue
            if any(counts.values()) or refreshed or options["once"]:
                self.stdout.write(
                    f"notifications: {counts['sent']} sent, {counts['retry']} to retry, {counts['failed']} failed; "
                    f"index facts refreshed: {refreshed}"
                )
            if options["once"]:
                return
            time.sleep(options["interval"])
