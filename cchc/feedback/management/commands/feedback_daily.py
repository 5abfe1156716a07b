"""`python manage.py feedback_daily [--day D]`: the daily pass of the petition
deadline reminders (3 and 1 working days before the answer deadline, and once overdue; the
`petition_reminder` rule version). Safe to run twice a day: nobody is told twice. The job
runner (`manage.py db_worker`) sends the messages."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from cchc.feedback.reminders import daily_pass


class Command(BaseCommand):
    help = "Enqueue today's reminders of petition answer deadlines."

    def add_arguments(self, parser):
        parser.add_argument("--day", default="", help="YYYY-MM-DD; today by default")

    def handle(self, *args, day: str, **options):
        try:
            when = dt.date.fromisoformat(day) if day else None
        except ValueError:
            raise CommandError(f"--day: {day!r} is not a date written YYYY-MM-DD") from None
        count = daily_pass(when)
        self.stdout.write(f"petitions to remind: {count}")
