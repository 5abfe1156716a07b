"""POST a JSON body to an operator-configured HTTP endpoint (SMS gateway, national portal
sync): one place for the credentials header, the timeout and the error that never repeats
the body (it may hold personal data and lands in an outbox's `last_error`)."""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.request
from typing import Any


class HttpError(Exception):
    """The endpoint refused or could not be reached. `status` is the HTTP status, if any."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


def authorization(user: str = "", password: str = "", token: str = "") -> str:
    """The Authorization header: a Bearer token wins over HTTP Basic; empty without either."""
    if token:
        return f"Bearer {token}"
    if user:
        return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
    return ""


def post_json(
    url: str, body: Any, *, what: str, auth: str = "", timeout: float = 10.0
) -> tuple[int, bytes]:
    """POST `body` as UTF-8 JSON; returns (status, answer body) for a 2xx answer, raises
    `HttpError` naming `what` (e.g. "SMS gateway") otherwise."""
    request = urllib.request.Request(  # noqa: S310 - the URL is the operator's setting
        url,
        data=json.dumps(body, ensure_ascii=False).encode("utf-8"),
        method="POST",
        headers={"Content-Type": "application/json; charset=utf-8"},
    )
    if auth:
        request.add_header("Authorization", auth)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:  # noqa: S310
            status, content = answer.status, answer.read()
    except urllib.error.HTTPError as exc:
        raise HttpError(f"{what} answered HTTP {exc.code}", exc.code) from None
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise HttpError(f"{what} unreachable: {type(reason).__name__}") from None
    if not 200 <= status < 300:
        raise HttpError(f"{what} answered HTTP {status}", status)
    return status, content
