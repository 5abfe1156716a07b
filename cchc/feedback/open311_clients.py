"""Open311 API clients: issuing a key and recognising it (the writes the Open311 handlers in
`cchc.feedback.open311` need, kept out of the handler module). The raw key is shown once;
only its SHA-256 is stored.
"""

from __future__ import annotations

import hashlib
import secrets

from django.utils import timezone

from cchc.feedback.models import Open311Client


def hash_key(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def issue_key(*, name: str, contact: str = "") -> tuple[Open311Client, str]:
    """Create an API client; the raw key is returned once and only its hash is stored."""
    raw = "o311_" + secrets.token_urlsafe(32)
    client = Open311Client.objects.create(
        name=name, contact=contact, prefix=raw[:12], key_hash=hash_key(raw)
    )
    return client, raw


def authenticate(raw: str) -> Open311Client | None:
    """The client holding this key, unless revoked; records when it was last used."""
    if not raw:
        return None
    client = Open311Client.objects.filter(key_hash=hash_key(raw), revoked_at__isnull=True).first()
    if client is not None:
        Open311Client.objects.filter(pk=client.pk).update(last_used_at=timezone.now())
    return client
