"""Queued live refresh: mark on change, refresh in batches in a worker.

The mark is an upsert that records the newest change time; the worker deletes a mark only if
it is still the one it read, so a change that arrives while its dossier is being refreshed is
never lost (its newer mark survives and is processed in the next round). The worker locks a
mark only for its one DELETE statement, so marking never waits for a refresh.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, connection
from django.utils import timezone

from cchc.core import rowsql
from cchc.indices.models import PendingMark, PendingPetitionRefresh, PendingRefresh

log = logging.getLogger("cchc.indices")


class Outbox:
    """The marks of one kind of subject (dossiers, petitions): one table keyed by the
    subject's id, holding the time of its newest change."""

    def __init__(self, model: type[PendingMark]) -> None:
        self.model = model
        self.key = model.key_field
        self.table = model._meta.db_table

    def mark(self, subject_id: int) -> None:
        """Mark the subject for refresh: one upsert, run inside the transaction that changed
        it (the `dossier_changing` / `petition_changing` signal), so it commits or rolls back
        with the change."""
        table, key = self.table, self.key
        rowsql.cursor(connection).execute(
            f"INSERT INTO {table} ({key}, queued_at) VALUES (%s, %s) "  # noqa: S608 - constant table
            f"ON CONFLICT ({key}) DO UPDATE SET queued_at = excluded.queued_at",
            [subject_id, connection.ops.adapt_datetimefield_value(timezone.now())],
        )

    def read(self, *, subject_id: int | None = None, limit: int = 200) -> list[tuple[int, Any]]:
        """(subject id, queued_at) of the oldest marks, or of the one subject's mark."""
        rows = self.model.objects.all()
        if subject_id is not None:
            rows = rows.filter(pk=subject_id)
        return list(rows.order_by("queued_at").values_list(self.key, "queued_at")[:limit])

    def refresh_one(self, subject_id: int, refresh: Callable[[int], object]) -> None:
        """Refresh one subject right after its change committed, then clear its mark unless
        a newer change re-marked it meanwhile."""
        marks = self.read(subject_id=subject_id)
        refresh(subject_id)
        if marks:
            self.clear(marks)

    def clear(self, items: list[tuple[int, Any]]) -> int:
        """Remove the marks that were read, unless a newer change re-marked the subject
        meanwhile (its queued_at moved on, so the pair no longer matches)."""
        table, key = self.table, self.key
        if (
            connection.vendor == "postgresql"
        ):  # one statement text for any batch size: parsed and prepared once
            sql = (
                f"DELETE FROM {table} q USING unnest(%s::bigint[], %s::timestamptz[]) AS done({key}, queued_at) "  # noqa: S608
                f"WHERE q.{key} = done.{key} AND q.queued_at = done.queued_at"
            )
            params: list[object] = [
                [subject_id for subject_id, _ in items],
                [queued_at for _, queued_at in items],
            ]
        else:
            sql = f"DELETE FROM {table} WHERE ({key}, queued_at) IN (VALUES {', '.join(['(%s, %s)'] * len(items))})"  # noqa: S608
            params = []
            for subject_id, queued_at in items:
                params += [subject_id, connection.ops.adapt_datetimefield_value(queued_at)]
        cur = rowsql.cursor(connection)
        cur.execute(sql, params)
        return int(cur.rowcount)


DOSSIERS = Outbox(PendingRefresh)
PETITIONS = Outbox(PendingPetitionRefresh)
TABLE = DOSSIERS.table
PETITION_TABLE = PETITIONS.table
mark = DOSSIERS.mark
mark_petition = PETITIONS.mark
_clear = DOSSIERS.clear


def refresh_petition_now(petition_id: int) -> None:
    from cchc.indices.refresh import refresh_petition

    PETITIONS.refresh_one(petition_id, refresh_petition)


def drain_petitions(limit: int = 200) -> int:
    """Refresh the petitions whose mark outlived their change (a crash, a restart, a failed
    refresh after the commit); a petition that fails is logged and its mark cleared, as for
    dossiers (rebuild_indices repairs it)."""
    from cchc.indices.refresh import refresh_petition

    batch = PETITIONS.read(limit=limit)
    for petition_id, _ in batch:
        try:
            refresh_petition(petition_id)
        except Exception:  # noqa: BLE001 - one bad petition cannot stop the queue
            log.exception("index refresh failed for petition %s; run rebuild_indices", petition_id)
    return PETITIONS.clear(batch) if batch else 0


def _once_more_on_conflict(refresh: Callable[[], object]) -> object:
    """Run a refresh; if it lost the race for a dossier's first fact, run it once more.

    A dossier that has no fact yet gives the refresh nothing to lock, so the request's own
    refresh (immediate mode) and the worker draining the same mark can both insert it: the
    unique key refuses the second, whose transaction rolls back whole. Its second pass finds
    the winner's fact, locks it and applies only what is still different."""
    try:
        return refresh()
    except (IntegrityError, connection.Database.IntegrityError):  # the COPY's driver error too
        return refresh()


def refresh_now(dossier_id: int) -> None:
    """Refresh one dossier right after its change committed (immediate mode)."""
    from cchc.indices.refresh import refresh_facts

    _once_more_on_conflict(lambda: DOSSIERS.refresh_one(dossier_id, lambda pk: refresh_facts([pk])))


def drain(limit: int = 200) -> int:
    """Refresh up to `limit` marked dossiers, then up to `limit` marked petitions; return how
    many marks were cleared."""
    return _drain_dossiers(limit) + drain_petitions(limit)


def _drain_dossiers(limit: int) -> int:
    """Refresh up to `limit` marked dossiers in one batch; return how many marks were cleared.

    The batch's facts and summary rows are written in one transaction; the marks it consumed
    are removed afterwards. If the batch fails, the dossiers are retried one by one and a bad
    one is logged and skipped.
    """
    from cchc.indices.refresh import refresh_facts

    batch = DOSSIERS.read(limit=limit)
    if not batch:
        return 0
    try:
        _once_more_on_conflict(lambda: refresh_facts([dossier_id for dossier_id, _ in batch]))
        # cleared after the refresh committed, in a statement of its own: a change marking one
        # of these dossiers meanwhile waits at most for this DELETE, never for the refresh. A
        # crash in between only refreshes these dossiers once more.
        return DOSSIERS.clear(batch)
    except Exception:  # noqa: BLE001 - fall back to one by one, so one bad dossier cannot stop the queue
        log.exception("batch index refresh failed; retrying %s dossier(s) one by one", len(batch))
    cleared = 0
    for item in batch:
        try:
            refresh_facts([item[0]])
            cleared += DOSSIERS.clear([item])
        except Exception:  # noqa: BLE001
            log.exception(
                "index refresh failed for dossier %s; run rebuild_indices for its period", item[0]
            )
            cleared += DOSSIERS.clear([item])
    return cleared


def run(
    *, once: bool = False, idle_sleep: float = 0.5, gather: float = 1.0, limit: int = 500
) -> int:
    """Drain the queue until stopped (`once`: until it is empty).

    After a batch that did not fill `limit`, wait `gather` seconds so the next batch collects
    the changes of that moment: a refresh per few hundred dossiers instead of a stream of tiny
    ones. A batch costs ~10 ms of Python CPU whatever its size and each dossier in it ~0.05 ms
    more (batches of 50 and 200 fresh lifecycles at 1 M dossiers, docs/performance.md), so at
    0.2 s the batches alone cost more than the dossiers in them under load; at one second the
    lag stays about a second.
    """
    total = 0
    while True:
        done = drain(limit)
        total += done
        if once and done == 0:
            return total
        if done == 0:
            time.sleep(idle_sleep)
        elif done < limit and not once:
            time.sleep(gather)
