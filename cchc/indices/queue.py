"""Queued live refresh: mark on change, refresh in batches in a worker.

The mark is an upsert that records the newest change time; the worker deletes a mark only if
it is still the one it read, so a change that arrives while its dossier is being refreshed is
never lost (its newer mark survives and is processed in the next round). No row is locked for
longer than one statement, so marking never waits for the worker.
"""

from __future__ import annotations

import logging
import time

from django.db import connection, transaction
from django.utils import timezone

from cchc.indices.models import PendingRefresh

log = logging.getLogger("cchc.indices")
TABLE = PendingRefresh._meta.db_table


def mark(dossier_id: int) -> None:
    with transaction.atomic(), connection.cursor() as cur:
        if connection.vendor == "postgresql":
            # A lost mark is repaired by rebuild_indices; it need not wait for the WAL flush.
            cur.execute("SET LOCAL synchronous_commit TO OFF")
        cur.execute(
            f"INSERT INTO {TABLE} (dossier_id, queued_at) VALUES (%s, %s) "  # noqa: S608 - constant table
            "ON CONFLICT (dossier_id) DO UPDATE SET queued_at = excluded.queued_at",
            [dossier_id, connection.ops.adapt_datetimefield_value(timezone.now())],
        )


def drain(limit: int = 200) -> int:
    """Refresh up to `limit` marked dossiers; return how many marks were cleared."""
    from cchc.indices.services import refresh_dossier

    batch = list(PendingRefresh.objects.order_by("queued_at").values_list("dossier_id", "queued_at")[:limit])
    cleared = 0
    for dossier_id, queued_at in batch:
        try:
            refresh_dossier(dossier_id)
        except Exception:  # noqa: BLE001 - one bad dossier must not stop the queue
            log.exception("index refresh failed for dossier %s; run rebuild_indices for its period", dossier_id)
        deleted, _ = PendingRefresh.objects.filter(dossier_id=dossier_id, queued_at=queued_at).delete()
        cleared += deleted
    return cleared


def run(*, once: bool = False, idle_sleep: float = 0.5, limit: int = 200) -> int:
    total = 0
    while True:
        done = drain(limit)
        total += done
        if once and done == 0:
            return total
        if done == 0:
            time.sleep(idle_sleep)
