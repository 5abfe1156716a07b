"""Throttles of the public dossier endpoints, kept in the shared (database) cache so every
web process sees the same counts. Every limit and window is a constant of this module (one
place), read by the views and their messages.

Status look-up (code + the ID's last 4 digits, or the phone number given when submitting).
What it must stop is guessing the proof of ONE dossier: four digits are 10 000 possibilities.
So wrong proofs are counted where that danger is:

* per dossier code, from every address together: ``LOOKUP_FAILURES_PER_CODE`` = 5 wrong
  proofs in ``LOOKUP_WINDOW_SECONDS`` (15 minutes) and that code is refused, even with the
  right digits, for the rest of the window. That is at most 480 guesses a day, ~10 days of
  steady guessing on average (5 000 tries) to hit four digits, and visible in the counts.
  The applicant signed in to their account still opens the dossier from "My dossiers".
* per client address only with a much higher limit, against one machine trying a few digits
  on many codes: ``LOOKUP_FAILURES_PER_ADDRESS`` = 50 in the same 15 minutes. One address is
  often many citizens (the one-stop centre's Wi-Fi, a mobile carrier's NAT): a limit of 5
  per address locked them all out for 15 minutes after five typos by anyone.

A failure is a complete request (code and a proof) that matches no dossier; an empty or
partial form only shows its field errors and counts nothing.
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache

LOOKUP_WINDOW_SECONDS = 15 * 60
LOOKUP_FAILURES_PER_CODE = 5
LOOKUP_FAILURES_PER_ADDRESS = 50


def client_ip(request) -> str:  # type: ignore[no-untyped-def]
    # Behind the province's reverse proxy REMOTE_ADDR is the proxy, which then sets X-Real-IP;
    # the header is trusted only when the setting says such a proxy exists (else it is forgeable).
    if getattr(settings, "TRUST_X_REAL_IP", False) and request.META.get("HTTP_X_REAL_IP"):
        return request.META["HTTP_X_REAL_IP"]
    return request.META.get("REMOTE_ADDR") or "unknown"


def _address_key(ip: str) -> str:
    return f"portal:lookup-fail:{ip}"


def _code_key(code: str) -> str:
    return f"portal:lookup-fail-code:{code[:80]}"


def lookup_blocked(ip: str) -> bool:
    """This address has had LOOKUP_FAILURES_PER_ADDRESS failed look-ups in the window."""
    return int(cache.get(_address_key(ip), 0)) >= LOOKUP_FAILURES_PER_ADDRESS


def lookup_code_blocked(code: str) -> bool:
    """This dossier code has had LOOKUP_FAILURES_PER_CODE wrong proofs in the window."""
    return int(cache.get(_code_key(code), 0)) >= LOOKUP_FAILURES_PER_CODE


def record_lookup_failure(ip: str, code: str) -> None:
    """Count one failed look-up against the address and against the code."""
    _hit(_address_key(ip), LOOKUP_WINDOW_SECONDS)
    _hit(_code_key(code), LOOKUP_WINDOW_SECONDS)


# -- endpoints that answer about a dossier code (status, QR, receipt, evaluation, look-up) --
# Counted per client address and per code, over CODE_WINDOW_SECONDS. The per-address limit
# counts the distinct codes an address asks about, not its requests: walking through
# sequential codes asks about a new code each time, while a family refreshing its status page,
# or a one-stop centre's Wi-Fi where each citizen follows their own dossier, asks about few
# (counting requests had let one busy centre's page reloads shut every citizen there out).
# The per-code limit stops guessing one code's four ID digits from many addresses.
# The limits are settings (env CODES_PER_ADDRESS, CODE_REQUESTS_PER_CODE).
CODE_WINDOW_SECONDS = 15 * 60


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
    code = (code or "")[:80]
    address_key = f"portal:code-ip:{ip}"
    if cache.add(f"portal:code-seen:{ip}:{code}", 1, CODE_WINDOW_SECONDS):
        codes_asked = _hit(address_key, CODE_WINDOW_SECONDS)  # a code new to this address
    else:
        codes_asked = cache.get(address_key, 0)
    by_code = _hit(f"portal:code:{code}", CODE_WINDOW_SECONDS)
    return codes_asked <= settings.CODES_PER_ADDRESS and by_code <= settings.CODE_REQUESTS_PER_CODE
