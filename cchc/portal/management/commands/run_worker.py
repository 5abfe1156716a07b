"""Background worker: sends queued notifications (e-mail, SMS) with retries and backoff, and
refreshes the index facts of dossiers whose mark outlived its after-commit refresh (a crash
between a commit and its refresh, or INDICES_REFRESH=queued).

Both are outboxes written in the transaction of the change they follow. Several workers may
run at once: notifications are claimed with SELECT ... FOR UPDATE SKIP LOCKED, an index mark
is removed only if no newer change re-marked its dossier.
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from cchc.indices import queue
from cchc.portal.notifications import drain


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
            counts = drain(batch=options["batch"])
            refreshed = 0
            while done := queue.drain(limit=500):
                refreshed += done
            if any(counts.values()) or refreshed or options["once"]:
                self.stdout.write(
                    f"notifications: {counts['sent']} sent, {counts['retry']} to retry, {counts['failed']} failed; "
                    f"index facts refreshed: {refreshed}"
                )
            if options["once"]:
                return
            time.sleep(options["interval"])
