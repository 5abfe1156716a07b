"""Make the keyed look-up hashes match again after SECRET_KEY changed (docs/security.md §6,
README "Personal data").

The look-up hashes (`cchc.core.personal.lookup_hash`: phone and e-mail of accounts, dossiers
and petitions; the citizen ID's `hash_national_id`) are HMACs keyed by `CCHC_LOOKUP_KEY`, or by
`SECRET_KEY` when that is empty. A new SECRET_KEY therefore makes every stored hash stale:
sign-in with an e-mail or phone, the queue's search by phone, the petition duplicate check and
the search by citizen ID find nothing. Two ways out:

* pin: set `CCHC_LOOKUP_KEY` to the old SECRET_KEY (before or after the change): every hash
  matches again, nothing is rewritten. The recommended way when only SECRET_KEY (sessions,
  signing) has to change.
* re-key: run this command with the old SECRET_KEY in an environment variable (never on the
  command line, where `ps` and shell history would show it):

      OLD_SECRET_KEY='…' manage.py rehash_lookups --old-secret-key-env OLD_SECRET_KEY

  It rewrites every encrypted row with the current field key and recomputes its phone and
  e-mail hashes under the current look-up key (as `rotate_field_keys` does). In development,
  where the field key is derived from SECRET_KEY, the old derived key is added for reading, so
  rows written before the change open and are re-encrypted under the new one. A citizen ID's
  hash cannot be recomputed (the number is never stored): the command counts those hashes and
  says so; keep the old key pinned in CCHC_LOOKUP_KEY for them, or they are found again only
  when the number is typed anew (a new dossier, sign-up).
"""

from __future__ import annotations

import os
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from cchc.core.personal import derived_dev_key, protected_fields, reencrypt_rows

# Hashes of citizen ID numbers: HMACs of a number that is not stored anywhere.
ID_HASH_COLUMNS = (
    ("accounts.User", "national_id_hash"),
    ("dossiers.Dossier", "applicant_id_hash"),
    ("dossiers.DigitizedDocument", "owner_id_hash"),
)


class Command(BaseCommand):
    help = "Recompute the keyed look-up hashes (phone, e-mail) after a change of SECRET_KEY."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--old-secret-key-env",
            required=True,
            metavar="VAR",
            help="name of the environment variable holding the previous SECRET_KEY",
        )
        parser.add_argument("--batch", type=int, default=500, help="rows per update")

    def handle(self, *args: Any, **options: Any) -> None:
        name = options["old_secret_key_env"]
        old = os.environ.get(name, "")
        if not old:
            raise CommandError(f"environment variable {name} is empty or not set")
        pinned = bool(getattr(settings, "CCHC_LOOKUP_KEY", ""))
        if not pinned and old == settings.SECRET_KEY:
            self.stdout.write("SECRET_KEY has not changed: the hashes are rewritten anyway")
        keys = list(settings.CCHC_FIELD_KEYS)
        extra = derived_dev_key(old)
        settings.CCHC_FIELD_KEYS = keys if extra in keys else [*keys, extra]
        try:
            for model in apps.get_models():
                encrypted, hashed = protected_fields(model)
                if not encrypted:
                    continue
                # every encrypted model, hashed or not: in development the old rows are
                # readable only with the old derived key, which is about to go
                written = reencrypt_rows(model, batch=options["batch"])
                what = "re-hashed (" + ", ".join(f.name for f in hashed) + ")" if hashed else ""
                self.stdout.write(
                    f"{model._meta.label}: {written} row(s) re-encrypted {what}".rstrip()
                )
        finally:
            settings.CCHC_FIELD_KEYS = keys
        for label, column in ID_HASH_COLUMNS:
            try:
                model = apps.get_model(label)
            except LookupError:
                continue
            count = model._default_manager.exclude(**{column: ""}).count()
            if not count:
                continue
            if pinned:
                self.stdout.write(f"{label}.{column}: {count} kept (CCHC_LOOKUP_KEY is pinned)")
            else:
                self.stderr.write(
                    f"WARNING {label}.{column}: {count} citizen-ID hash(es) cannot be "
                    "recomputed (the number is not stored); set CCHC_LOOKUP_KEY to the old "
                    "SECRET_KEY to keep finding them"
                )
