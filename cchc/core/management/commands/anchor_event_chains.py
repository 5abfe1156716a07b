"""Record the head of every event chain in the append-only anchor tables (docs/security.md §7).

    manage.py anchor_event_chains                          # once (cron, e.g. hourly)
    manage.py anchor_event_chains --output /var/log/cchc/anchors.jsonl   # and keep a copy
    manage.py anchor_event_chains --every 60 --output FILE # start the periodic job instead
                                                           # (run by manage.py db_worker)

Prints one line per event log (chains, rows, the anchor's hash) and every chain found behind
or missing since the previous anchor; exits with status 1 when there is any (cchc/core/anchors.py).
Copy the --output file off the machine (or ship the `cchc.anchors` log): it is what shows a
rewrite by the database owner.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from cchc.core.anchors import schedule, take_anchors


class Command(BaseCommand):
    help = "Anchor the heads of every event chain (append-only); exit 1 if a chain went back."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--output", default="", help="append each anchor as a JSON line here")
        parser.add_argument(
            "--every",
            type=int,
            default=0,
            help="minutes: enqueue the periodic job (it anchors, then schedules its next run)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["every"] > 0:
            started = schedule(options["every"], options["output"])
            self.stdout.write(
                f"anchoring job scheduled every {options['every']} minute(s)"
                if started
                else "an anchoring job is already scheduled: nothing added"
            )
            return
        problems = 0
        for anchor, found in take_anchors(output=options["output"]):
            self.stdout.write(
                f"{anchor.model}: {anchor.chains} chains, {anchor.rows} rows, anchor {anchor.hash}"
            )
            for problem in found:
                self.stderr.write(str(problem))
            problems += len(found)
        if problems:
            raise CommandError(f"{problems} chain(s) behind or missing since their anchor")
