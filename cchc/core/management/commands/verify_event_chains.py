"""Walk every event log's hash chain and report every break (docs/security.md §7).

    manage.py verify_event_chains            # every event model
    manage.py verify_event_chains dossiers.DossierEvent feedback.PetitionEvent

Prints one line per break (model, subject, sequence, expected vs stored) and a count per
model; exits with status 1 when any chain is broken, 0 otherwise (for cron and CI). Chains
behind or missing since their anchor (`anchor_event_chains`) are breaks too, and the anchors
themselves are recomputed; `--anchors-file FILE` also compares them with the copy kept
off-site (the JSON lines `anchor_event_chains --output` wrote).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from cchc.core.anchors import check_offsite, verify_anchors
from cchc.core.chains import Break, event_models, verify


class Command(BaseCommand):
    help = "Verify the hash chains of every event log; exit 1 on any break."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "models", nargs="*", help="app_label.ModelName of event models (default: all)"
        )
        parser.add_argument(
            "--anchors-file", default="", help="the anchors kept off-site (JSON lines)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        chosen = event_models()
        if options["models"]:
            by_label = {m._meta.label_lower: m for m in chosen}
            unknown = [name for name in options["models"] if name.lower() not in by_label]
            if unknown:
                raise CommandError(f"not an event model: {', '.join(unknown)}")
            chosen = [by_label[name.lower()] for name in options["models"]]
        broken = 0
        for model in chosen:
            breaks = 0
            for item in verify(model):
                if isinstance(item, Break):
                    breaks += 1
                    self.stderr.write(str(item))
                else:
                    self.stdout.write(f"{model._meta.label}: {item} rows, {breaks} break(s)")
            broken += breaks
        anchors = [*verify_anchors()]
        if options["anchors_file"]:
            anchors += check_offsite(options["anchors_file"])
        for item in anchors:
            self.stderr.write(str(item))
        self.stdout.write(f"core.ChainAnchor: {len(anchors)} break(s)")
        broken += len(anchors)
        if broken:
            raise CommandError(f"{broken} break(s) in the event chains")
        self.stdout.write("every event chain verifies")
