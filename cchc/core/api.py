"""What every app's `api.py` shares: the error envelope, the page envelope and pagination.

The API itself (auth, renderer, error handlers, docs, the routers it mounts) is set up in
`config/api.py`; an app declares its endpoints on a `ninja.Router` in its own `api.py` and
uses these so every endpoint answers errors and pages in the same shape.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import orjson
from django.http import HttpRequest, HttpResponse
from django.utils.functional import Promise
from ninja import Schema
from ninja.renderers import BaseRenderer

MAX_PAGE_SIZE = 100


class OrjsonRenderer(BaseRenderer):
    """JSON by orjson (already used by the bundle importer): an order of magnitude cheaper
    than the standard encoder on every response. Datetimes are ISO 8601 with their offset."""

    media_type = "application/json"

    def render(self, request: HttpRequest, data: Any, *, response_status: int) -> bytes:
        return orjson.dumps(data, default=_json_default)


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, Promise):  # lazy translations
        return str(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


RENDERER = OrjsonRenderer()


def json_response(request: HttpRequest, data: Any, status: int = 200) -> HttpResponse:
    """`data` rendered as the API renders every answer (NinjaAPI.create_response, without
    needing the API instance: an app's router may be mounted by any)."""
    return HttpResponse(
        RENDERER.render(request, data, response_status=status),
        status=status,
        content_type=f"{RENDERER.media_type}; charset={RENDERER.charset}",
    )


class ErrorBody(Schema):
    code: str
    message: str
    field: str | None


class ErrorOut(Schema):
    error: ErrorBody


# the statuses every endpoint may answer with the error envelope (for the OpenAPI schema)
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 413: ErrorOut}


class Page(Schema):
    count: int
    page: int
    page_size: int
    num_pages: int


def paginate(qs: Any, page: int, page_size: int) -> tuple[list[Any], dict[str, Any]]:
    """One page of `qs` and the Page fields; a page past the end answers the last page."""
    count = qs.count()
    num_pages = max(1, -(-count // page_size))
    page = min(page, num_pages)
    items = list(qs[(page - 1) * page_size : page * page_size])
    return items, {"count": count, "page": page, "page_size": page_size, "num_pages": num_pages}
