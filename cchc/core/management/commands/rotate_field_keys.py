"""Re-encrypt every encrypted personal-data column with the current key (the first of
CCHC_FIELD_KEYS) and recompute the keyed hashes (cchc/core/personal.py).

Key rotation (README "Personal data"): generate a key, put it first in CCHC_FIELD_KEYS and
keep the old ones after it, restart the application, run this command, then remove the old
keys. Safe to run again (each run re-encrypts everything), and while the application runs
(rows are rewritten in batches of primary-key order; a row written meanwhile is written with
the current key anyway)."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand

from cchc.core.personal import protected_fields, reencrypt_rows


class Command(BaseCommand):
    help = "Re-encrypt personal data (phone, e-mail, address) with the current field key."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--batch", type=int, default=500, help="rows per update")

    def handle(self, *args: Any, **options: Any) -> None:
        for model in apps.get_models():
            if not protected_fields(model)[0]:
                continue
            written = reencrypt_rows(model, batch=options["batch"])
            self.stdout.write(f"{model._meta.label}: {written} row(s) re-encrypted")
