"""Announcements of dossier changes. Indices and notifications listen; dossiers import neither.

- `dossier_changing` is sent inside the transaction that changes the dossier: a listener's
  writes commit or roll back with the change (the index refresh marks the dossier and the
  portal queues the applicant's messages here, so a committed change always has its mark
  and its messages: a transactional outbox).
- `dossier_changed` is sent only after that transaction commits (`transaction.on_commit`).
"""

from django.db import transaction
from django.dispatch import Signal

# kwargs: dossier_id (int), action (str), event_id (int | None); dossier and event: the
# instances as the action left them (may be None), so listeners need not read them back
dossier_changing = Signal()
dossier_changed = Signal()
# kwargs: dossier_ids (list[int]) - after a bulk import
dossiers_bulk_changed = Signal()


def announce(
    sender,
    *,
    dossier_id: int,
    action: str,
    event_id: int | None,  # type: ignore[no-untyped-def]
    dossier=None,
    event=None,
) -> None:
    """Call inside the changing transaction: listeners of `dossier_changing` run now, those
    of `dossier_changed` after the commit."""
    kwargs = {
        "dossier_id": dossier_id,
        "action": action,
        "event_id": event_id,
        "dossier": dossier,
        "event": event,
    }
    dossier_changing.send(sender=sender, **kwargs)
    transaction.on_commit(lambda: dossier_changed.send(sender=sender, **kwargs))
