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


# -- endpoints that answer about a dossier code (status, QR, receipt, evaluation, look-up) --
# Counted per client address and per code, over CODE_WINDOW_SECONDS: the per-address limit
# stops walking through sequential codes, the per-code limit stops guessing one code's four
# ID digits from many addresses. Generous for a citizen (a few dozen views a day).
CODE_WINDOW_SECONDS = 15 * 60
CODE_REQUESTS_PER_ADDRESS = 120
CODE_REQUESTS_PER_CODE = 60
LOOKUP_FAILURES_PER_CODE = 10


def _hit(key: str, window: int) -> int:
    if cache.add(key, 1, window):
        return 1
    try:
        return cache.incr(key)
    except ValueError:
        cache.set(key, 1, window)
        return 1


def code_request_allowed(request, code: str) -> bool:  # type: ignore[no-untyped-def]
    """Count one request about `code` from this client; False once either limit is passed."""
    ip = client_ip(request)
    by_ip = _hit(f"portal:code-ip:{ip}", CODE_WINDOW_SECONDS)
    by_code = _hit(f"portal:code:{(code or '')[:80]}", CODE_WINDOW_SECONDS)
    return by_ip <= getattr(
        settings, "CODE_REQUESTS_PER_ADDRESS", CODE_REQUESTS_PER_ADDRESS
    ) and by_code <= getattr(settings, "CODE_REQUESTS_PER_CODE", CODE_REQUESTS_PER_CODE)


def lookup_code_blocked(code: str) -> bool:
    return int(cache.get(f"portal:lookup-fail-code:{code[:80]}", 0)) >= LOOKUP_FAILURES_PER_CODE


def record_lookup_code_failure(code: str) -> int:
    return _hit(f"portal:lookup-fail-code:{code[:80]}", LOOKUP_WINDOW_SECONDS)
