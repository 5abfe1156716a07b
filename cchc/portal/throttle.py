"""Per-IP throttle of dossier look-ups, kept in the shared (database) cache so every web
process sees the same counts."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache

LOOKUP_FAILURES_ALLOWED = 5
LOOKUP_WINDOW_SECONDS = 15 * 60


def client_ip(request) -> str:  # type: ignore[no-untyped-def]
    # Behind the province's reverse proxy REMOTE_ADDR is the proxy, which then sets X-Real-IP;
    # the header is trusted only when the setting says such a proxy exists (else it is forgeable).
    if getattr(settings, "TRUST_X_REAL_IP", False) and request.META.get("HTTP_X_REAL_IP"):
        return request.META["HTTP_X_REAL_IP"]
    return request.META.get("REMOTE_ADDR") or "unknown"


def _key(ip: str) -> str:
    return f"portal:lookup-fail:{ip}"


def lookup_blocked(ip: str) -> bool:
    return int(cache.get(_key(ip), 0)) >= LOOKUP_FAILURES_ALLOWED


def record_lookup_failure(ip: str) -> int:
    key = _key(ip)
    if cache.add(key, 1, LOOKUP_WINDOW_SECONDS):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, LOOKUP_WINDOW_SECONDS)
        return 1
