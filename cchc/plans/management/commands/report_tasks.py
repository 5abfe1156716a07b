"""`python manage.py report_tasks --as-of 2026-12-31 --format json` (interchange.md §7)."""

from __future__ import annotations

import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from cchc.plans.reports import report_tasks


class Command(BaseCommand):
    help = (
        "Task counts per lead unit as of a date: done on time, done late, within deadline, overdue."
    )

    def add_arguments(self, parser):
        parser.add_argument("--as-of", dest="as_of", default="")
        parser.add_argument("--format", dest="fmt", choices=["json", "csv"], default="json")

    def handle(self, *args, as_of: str, fmt: str, **options):
        try:
            day = dt.date.fromisoformat(as_of) if as_of else timezone.localdate()
        except ValueError as exc:
            raise CommandError(_("--as-of is not a date YYYY-MM-DD: %(v)s") % {"v": as_of}) from exc
        doc = report_tasks(day)
        if fmt == "json":
            self.stdout.write(json.dumps(doc, ensure_ascii=False))
            return
        self.stdout.write("code,total,done_on_time,done_late,within_deadline,overdue")
        for a in doc["agencies"]:
            self.stdout.write(
                f"{a['code']},{a['total']},{a['done_on_time']},{a['done_late']},"
                f"{a['within_deadline']},{a['overdue']}"
            )
