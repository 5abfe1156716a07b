"""Signal receivers: the live path from a committed change to facts and summaries.

They run after the dossier's (or petition's) transaction has committed. A failure here must
not turn a lawful, committed action into an error page for the clerk: it is logged, and
`rebuild_indices` repairs the period.
"""

from __future__ import annotations

import logging
from typing import Any

log = logging.getLogger("cchc.indices")


def _queued() -> bool:
    from django.conf import settings

    return getattr(settings, "INDICES_REFRESH", "immediate") == "queued"


def on_dossier_changing(sender: Any, dossier_id: int, **kwargs: Any) -> None:
    """Both modes: mark the dossier inside the changing transaction (one upsert), so the mark
    commits with the change (the outbox). Unlike the receivers below this one may raise: a
    failed mark rolls the change back rather than leaving the index silently behind."""
    from cchc.indices import queue

    queue.mark(dossier_id)


def on_dossier_changed(sender: Any, dossier_id: int, **kwargs: Any) -> None:
    """Immediate mode: refresh the fact and summaries right after the commit, and clear the
    mark. If the process dies before (or the refresh fails), the mark stays and the worker
    (`run_worker`, `run_index_worker`) refreshes the dossier."""
    if _queued():
        return
    from cchc.indices import queue

    try:
        queue.refresh_now(dossier_id)
    except Exception:  # noqa: BLE001 - see module docstring
        log.exception(
            "index refresh failed for dossier %s; run rebuild_indices for its period", dossier_id
        )


def on_dossiers_bulk_changed(sender: Any, dossier_ids: list[int], **kwargs: Any) -> None:
    from cchc.indices.refresh import refresh_dossiers

    try:
        refresh_dossiers(dossier_ids)
    except Exception:  # noqa: BLE001
        log.exception(
            "index refresh failed for %s imported dossiers; run rebuild_indices", len(dossier_ids)
        )


def on_petition_changing(sender: Any, petition_id: int, **kwargs: Any) -> None:
    """Mark the petition inside its changing transaction (the outbox), as for dossiers."""
    from cchc.indices import queue

    queue.mark_petition(petition_id)


def on_petition_changed(sender: Any, petition_id: int, **kwargs: Any) -> None:
    """Refresh the petition's fact after the commit and clear its mark; if this never runs
    (a crash) or fails, the mark stays and the worker refreshes the petition."""
    from cchc.indices import queue

    try:
        queue.refresh_petition_now(petition_id)
    except Exception:  # noqa: BLE001
        log.exception("index refresh failed for petition %s; run rebuild_indices", petition_id)
