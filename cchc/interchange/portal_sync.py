"""Synchronisation of dossiers to the national public service portal (Cổng DVCQG).

Decision 766/QĐ-TTg scores the share of dossiers synchronised to the national portal
(DOSSIER_SYNC). Every dossier change enqueues `send_dossier_to_portal` inside the changing
transaction (a listener of `dossier_changing`, connected in apps.py): the job row commits with
the change or not at all, so a crash between the commit and the send loses nothing (the job
runner's table is the outbox). The job POSTs the dossier as it is now, in the national
dossier-sync field names (interchange.md §1, the same record the bundle export writes), to
`DOSSIER_SYNC_URL`; a failure is recorded (`PortalSync.last_error`) and retried by the job
runner with backoff (1, 2, 4 ... minutes). A success records the version sent and the time,
and sets the dossier's `synced_to_portal` through `dossiers.services.record_portal_sync`,
which the index reads. A job for a version already sent does nothing (idempotent: a retry,
or two changes queued before the first send, never send the same version twice).

No URL configured: nothing is enqueued or sent, and the index shows the sync metrics as
"no data" (cchc.indices.summaries.portal_sync_configured).
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from cchc.core import http
from cchc.core.jobs import job
from cchc.dossiers import services
from cchc.dossiers.models import Dossier
from cchc.interchange.dossiers import RECORD_FIELDS, national_records
from cchc.interchange.models import PortalSync

log = logging.getLogger("cchc.interchange.portal_sync")
MAX_ATTEMPTS = 10  # with the runner's backoff: about 8.5 hours of retries


def configured() -> bool:
    return bool(getattr(settings, "DOSSIER_SYNC_URL", ""))


def on_dossier_changing(sender: Any, dossier_id: int, action: str, **kwargs: Any) -> None:
    """Inside the changing transaction: queue the send (the job commits with the change)."""
    if action == services.PORTAL_SYNC_ACTION or not configured():
        return
    send_dossier_to_portal.enqueue(dossier_id)


def payload(dossier_id: int) -> tuple[int, dict[str, Any]] | None:
    """(the dossier's version, its national record), or None if it no longer exists."""
    row = Dossier.objects.filter(pk=dossier_id).values(*RECORD_FIELDS, "version").first()
    if row is None:
        return None
    return row["version"], national_records([row])[0]


def _failed(dossier_id: int, error: str) -> None:
    with transaction.atomic():
        sync, _created = PortalSync.objects.select_for_update().get_or_create(dossier_id=dossier_id)
        sync.attempts += 1
        sync.last_error = error[:2000]
        sync.last_error_at = timezone.now()
        sync.save(update_fields=["attempts", "last_error", "last_error_at"])


def _sent(dossier_id: int, version: int) -> None:
    with transaction.atomic():
        sync, _created = PortalSync.objects.select_for_update().get_or_create(dossier_id=dossier_id)
        sync.attempts += 1
        sync.sent_version = max(version, sync.sent_version or 0)
        sync.sent_at = timezone.now()
        sync.save(update_fields=["attempts", "sent_version", "sent_at"])
        services.record_portal_sync(Dossier(pk=dossier_id))


@job(max_attempts=MAX_ATTEMPTS)
def send_dossier_to_portal(dossier_id: int) -> str:
    """Send the dossier's current state; raise on failure so the job runner retries it."""
    if not configured():
        return "not configured"
    found = payload(dossier_id)
    if found is None:
        return "no such dossier"
    version, record = found
    sent = (
        PortalSync.objects.filter(dossier_id=dossier_id)
        .values_list("sent_version", flat=True)
        .first()
    )
    if sent is not None and sent >= version:
        return "already sent"
    try:
        http.post_json(
            settings.DOSSIER_SYNC_URL,
            record,
            what="national portal",
            auth=http.authorization(
                getattr(settings, "DOSSIER_SYNC_USER", ""),
                getattr(settings, "DOSSIER_SYNC_PASSWORD", ""),
                getattr(settings, "DOSSIER_SYNC_TOKEN", ""),
            ),
            timeout=float(getattr(settings, "DOSSIER_SYNC_TIMEOUT", 15)),
        )
    except http.HttpError as exc:
        _failed(dossier_id, str(exc))
        log.warning("dossier %s not synchronised: %s", dossier_id, exc)
        raise
    _sent(dossier_id, version)
    return "sent"
