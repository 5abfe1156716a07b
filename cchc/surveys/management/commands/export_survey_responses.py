"""Export survey answers: `export_survey_responses --period 2026 --format jsonl|csv|sav|open
--output FILE [--campaign CODE]`. JSONL is the bundle format of interchange.md §5 (so a
second database imports it unchanged); no format carries a name, phone or ID. The campaign
page offers the same files for download (`views.answers.responses_export`): both call
`interchange.export_responses`."""

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
        parser.add_argument("--format", choices=sorted(interchange.EXPORT_FORMATS), default="jsonl")
        parser.add_argument("--output", required=True)

    def handle(self, *args, **opts):  # type: ignore[no-untyped-def]
        path = Path(opts["output"])
        campaign = None
        qs = Response.objects.all()
        if opts["campaign"]:
            campaign = Campaign.objects.filter(code=opts["campaign"]).first()
            if campaign is None:
                raise CommandError(f"no campaign {opts['campaign']}")
            qs = qs.filter(campaign=campaign)
        if opts["period"]:
            qs = qs.filter(period=opts["period"])
        if opts["format"] == "open" and campaign is None:
            raise CommandError("--format open needs --campaign")
        try:
            n = interchange.export_responses(qs, fmt=opts["format"], path=path, campaign=campaign)
        except interchange.NothingToExport as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"{path.name}: {n} responses")
