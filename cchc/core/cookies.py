"""Signed cookies that remember a browser (a trusted device at sign-in, a counter kiosk)."""

from __future__ import annotations

from typing import Any

from django.core import signing
from django.http import HttpRequest


def signed_cookie(request: HttpRequest, name: str, *, salt: str, max_age: int) -> dict[str, Any]:
    """The dict signed into cookie `name` (by `signing.dumps` with this `salt`), or {} if the
    browser sent none, or one that is forged, older than `max_age` seconds or not a dict."""
    raw = request.COOKIES.get(name, "")
    if not raw:
        return {}
    try:
        data = signing.loads(raw, salt=salt, max_age=max_age)
    except signing.BadSignature:
        return {}
    return data if isinstance(data, dict) else {}
