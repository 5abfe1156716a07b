"""Announcements of petition changes. Indices and notifications listen; feedback imports no
listener.

- `petition_changing` is sent inside the transaction that changes the petition: a listener's
  writes (the notification outbox rows) commit or roll back with the change.
- `petition_changed` is sent only after that transaction commits (`transaction.on_commit`).
"""

from django.dispatch import Signal

# kwargs: petition_id (int), action (str)
petition_changing = Signal()
petition_changed = Signal()
