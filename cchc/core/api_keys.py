"""API keys (the staff's API tokens, the Open311 clients' keys): one way to issue and to
recognise them. The raw key is shown once; only its SHA-256 and its first characters (to
tell keys apart in a list) are stored.
"""

from __future__ import annotations

import hashlib
import secrets
from typing import NamedTuple

PREFIX_LENGTH = 12  # the stored, displayed start of a key ("o311_AbCdEfG")


class NewKey(NamedTuple):
    raw: str  # shown once, never stored
    prefix: str
    key_hash: str


def hash_key(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def new_key(kind: str) -> NewKey:
    """A fresh random key starting with `kind` ("cchc_", "o311_"), which says what it opens."""
    raw = kind + secrets.token_urlsafe(32)
    return NewKey(raw, raw[:PREFIX_LENGTH], hash_key(raw))
