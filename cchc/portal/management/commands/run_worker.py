"""Background worker: sends queued notifications (e-mail, SMS) with retries and backoff.

Several workers may run at once: rows are claimed with SELECT ... FOR UPDATE SKIP LOCKED.
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

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
            if any(counts.values()) or options["once"]:
                self.stdout.write(
                    f"notifications: {counts['sent']} sent, {counts['retry']} to retry, {counts['failed']} failed"
                )
            if options["once"]:
                return
            time.sleep(options["interval"])
