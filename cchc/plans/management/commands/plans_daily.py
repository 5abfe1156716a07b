"""`python manage.py plans_daily [--day D] [--run-jobs]`: the daily pass of task reminders
(7/3/1 days before and on the deadline) and the overdue digest. Safe to run twice a day."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand

from cchc.plans.notices import daily_pass


class Command(BaseCommand):
    help = "Record today's task reminders and overdue digests and enqueue their delivery."

    def add_arguments(self, parser):
        parser.add_argument("--day", default="")
        parser.add_argument("--run-jobs", action="store_true", help="deliver now, in this process")

    def handle(self, *args, day: str, run_jobs: bool, **options):
        counts = daily_pass(dt.date.fromisoformat(day) if day else None)
        self.stdout.write(f"reminders: {counts['reminders']}, digests: {counts['digests']}")
        if run_jobs:
            from cchc.core.jobs import run_jobs as run

            self.stdout.write(f"jobs run: {run()}")
