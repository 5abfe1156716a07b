"""Announcements of dossier changes. Indices and notifications listen; dossiers import neither.

Sent only after the transaction commits (`transaction.on_commit`).
"""

from django.dispatch import Signal

# kwargs: dossier_id (int), action (str), event_id (int | None)
dossier_changed = Signal()
# kwargs: dossier_ids (list[int]) - after a bulk import
dossiers_bulk_changed = Signal()
