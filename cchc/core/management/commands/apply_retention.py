"""Erase the contact details (phone, e-mail, address) of dossiers, petitions and complaints
closed longer ago than the `personal_data_retention` rule in force says (cchc/core/retention.py,
Nghị định 13/2023/NĐ-CP). Each erasure is an event on the record's history, by the system
actor. Sent and failed messages of the notification outbox older than the rule's
`notification_months` are deleted (cchc/portal/retention.py). Run daily from cron;
`--dry-run` only counts."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from cchc.core import retention
from cchc.core.actors import JOB
from cchc.core.models import RuleVersion


class Command(BaseCommand):
    help = "Erase personal contact details of records closed longer than the retention rule."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--dry-run", action="store_true", help="count, change nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            outcomes = retention.apply(actor=JOB, dry_run=options["dry_run"])
        except RuleVersion.DoesNotExist as exc:
            raise CommandError(str(exc)) from exc
        verb = "would be erased" if options["dry_run"] else "erased"
        for o in outcomes:
            kept = f"{o.months} months" if o.months is not None else "no period: kept"
            self.stdout.write(f"{o.label}: {o.erased} {verb} ({kept})")
