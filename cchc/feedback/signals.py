"""Announcements of petition changes. Indices listen; feedback imports no listener.

Sent only after the transaction commits (`transaction.on_commit`).
"""

from django.dispatch import Signal

# kwargs: petition_id (int), action (str)
petition_changed = Signal()
