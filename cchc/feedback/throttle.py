"""Spam and abuse limits for public channels, counted in the shared cache (the database
cache in production, so the limits hold across every web process)."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache

# (count, seconds) per key kind; a settings dict FEEDBACK_RATE_LIMITS may override them.
DEFAULT_LIMITS = {
    "ip": (5, 3600),  # web form submissions per client IP per hour
    "account": (10, 86400),  # web form submissions per signed-in account per day
    "api_key": (600, 3600),  # Open311 POSTs per API key per hour
    "vote_ip": (60, 3600),  # votes per IP per hour
    # finding a petition again by code + phone/e-mail: wrong answers per code (what stops
    # guessing one petition's contact) and, much higher, per IP (one-stop centres and mobile
    # carriers put many people behind one address)
    "lookup_code": (5, 900),
    "lookup_ip": (50, 900),
}


def limits() -> dict[str, tuple[int, int]]:
    return {**DEFAULT_LIMITS, **getattr(settings, "FEEDBACK_RATE_LIMITS", {})}


def client_ip(request) -> str:  # type: ignore[no-untyped-def]
    # REMOTE_ADDR only: X-Forwarded-For is trivially forged unless a trusted proxy sets it.
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def hit(kind: str, ident: str) -> bool:
    """Count one attempt; False when the limit for this window is already reached."""
    count, seconds = limits()[kind]
    window = int(time.time() // seconds)
    key = f"feedback:rl:{kind}:{ident}:{window}"
    if cache.add(key, 1, timeout=seconds + 5):
        return count >= 1
    try:
        current = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=seconds + 5)
        current = 1
    return current <= count


def reached(kind: str, ident: str) -> bool:
    """The limit of `kind` for `ident` is reached in this window (nothing is counted)."""
    count, seconds = limits()[kind]
    window = int(time.time() // seconds)
    return int(cache.get(f"feedback:rl:{kind}:{ident}:{window}", 0)) >= count
