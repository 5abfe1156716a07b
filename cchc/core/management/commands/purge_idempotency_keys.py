"""Delete the stored answers of Idempotency-Key writes older than IDEMPOTENCY_KEY_TTL_HOURS
(cchc.core.idempotency). Run daily (cron) or whenever; an expired key is also replaced when
it is used again, so this only reclaims space."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from cchc.core.idempotency import purge_expired


class Command(BaseCommand):
    help = "Delete expired Idempotency-Key answers."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"{purge_expired()} expired key(s) deleted")
