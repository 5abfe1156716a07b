"""`python manage.py clean_survey_files [--hours H] [--dry-run] [--enqueue]`: delete the files
given to survey file questions that no response refers to (abandoned or refused forms,
replaced files) once older than SURVEY_ORPHAN_FILE_HOURS (cchc/surveys/files.py). Run daily
from cron; `--enqueue` hands the work to the job runner instead (`db_worker`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from cchc.surveys.files import clean_orphan_files, clean_orphan_files_job


class Command(BaseCommand):
    help = "Delete survey answer files no response refers to, once old enough."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--hours", type=int, default=None, help="age threshold (SURVEY_ORPHAN_FILE_HOURS)"
        )
        parser.add_argument("--dry-run", action="store_true", help="count, delete nothing")
        parser.add_argument(
            "--enqueue", action="store_true", help="run it as a job of the job runner"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        hours: int | None = options["hours"]
        dry_run: bool = options["dry_run"]
        enqueue: bool = options["enqueue"]
        if hours is not None and hours < 0:
            raise CommandError("--hours must be 0 or more")
        if enqueue:
            if hours is not None or dry_run:
                raise CommandError("--enqueue runs with the setting's threshold, for real")
            clean_orphan_files_job.enqueue()
            self.stdout.write("survey file clean-up enqueued")
            return
        done = clean_orphan_files(
            older_than=dt.timedelta(hours=hours) if hours is not None else None, dry_run=dry_run
        )
        verb = "would be deleted" if dry_run else "deleted"
        self.stdout.write(
            f"{done.deleted} orphan file(s) {verb}; kept: {done.kept_in_use} in use, "
            f"{done.kept_recent} recent"
        )
