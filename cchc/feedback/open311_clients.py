"""Open311 API clients: issuing a key and recognising it (the writes the Open311 handlers in
`cchc.feedback.open311` need, kept out of the handler module). The raw key is shown once;
only its SHA-256 is stored.
"""

from __future__ import annotations

from django.utils import timezone

from cchc.core.api_keys import hash_key, new_key
from cchc.feedback.models import Open311Client


def issue_key(*, name: str, contact: str = "") -> tuple[Open311Client, str]:
    """Create an API client; the raw key is returned once and only its hash is stored."""
    client = Open311Client(name=name, contact=contact)
    return client, issue_key_to(client)


def issue_key_to(client: Open311Client) -> str:
    """Save `client`, a new one (the admin's add form fills one in), with a fresh key; the
    raw key is returned once and only its hash is stored."""
    key = new_key("o311_")
    client.prefix, client.key_hash = key.prefix, key.key_hash
    client.save(force_insert=True)
    return key.raw


def authenticate(raw: str) -> Open311Client | None:
    """The client holding this key, unless revoked; records when it was last used."""
    if not raw:
        return None
    client = Open311Client.objects.filter(key_hash=hash_key(raw), revoked_at__isnull=True).first()
    if client is not None:
        Open311Client.objects.filter(pk=client.pk).update(last_used_at=timezone.now())
    return client
