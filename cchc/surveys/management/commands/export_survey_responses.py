"""Export survey answers: `export_survey_responses --period 2026 --format jsonl|csv|sav|open
--output FILE [--campaign CODE]`. JSONL is the bundle format of interchange.md §5 (so a
second database imports it unchanged); no format carries a name, phone or ID."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cchc.surveys import interchange
from cchc.surveys.models import Campaign, Response


class Command(BaseCommand):
    help = "Export survey responses (JSONL bundle format, CSV, SPSS .sav, open data CSV)."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--period", default="")
        parser.add_argument("--campaign", default="")
        parser.add_argument("--format", choices=["jsonl", "csv", "sav", "open"], default="jsonl")
        parser.add_argument("--output", required=True)

    def handle(self, *args, **opts):  # type: ignore[no-untyped-def]
        path = Path(opts["output"])
        campaign = None
        qs = Response.objects.select_related("method", "agency").order_by("code")
        if opts["campaign"]:
            campaign = Campaign.objects.filter(code=opts["campaign"]).first()
            if campaign is None:
                raise CommandError(f"no campaign {opts['campaign']}")
            qs = qs.filter(campaign=campaign)
        if opts["period"]:
            qs = qs.filter(period=opts["period"])
        if opts["format"] == "jsonl":
            n = interchange.export_jsonl(qs.iterator(), path)
        elif opts["format"] == "open":
            if campaign is None:
                raise CommandError("--format open needs --campaign")
            try:
                n = interchange.export_open_data(campaign, path)
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
        else:
            first = qs.first()
            if first is None:
                raise CommandError("no responses to export")
            items = list(first.method.items.order_by("order"))
            qs = qs.filter(method=first.method)
            export = interchange.export_csv if opts["format"] == "csv" else interchange.export_sav
            n = export(qs, items, path)
        self.stdout.write(f"{path.name}: {n} responses")
