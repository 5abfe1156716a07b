"""What every app's `api.py` shares: the error envelope, the page envelope and pagination.

The API itself (auth, renderer, error handlers, docs, the routers it mounts) is set up in
`config/api.py`; an app declares its endpoints on a `ninja.Router` in its own `api.py` and
uses these so every endpoint answers errors and pages in the same shape.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Annotated, Any

import orjson
from django.http import HttpRequest, HttpResponse
from django.utils.functional import Promise
from ninja import Schema
from ninja.renderers import BaseRenderer
from pydantic import BeforeValidator

from cchc.core.pagination import page_count

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


# the statuses every endpoint may answer with the error envelope (for the OpenAPI schema):
# 422 is a reused Idempotency-Key (cchc.core.idempotency), 500 the logged server error
ERRORS = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    413: ErrorOut,
    422: ErrorOut,
    500: ErrorOut,
}

# -- what the schema says about input, so that it says what the server enforces ---------------
# Text of a request (query, path, JSON body) may not hold the control characters that
# cchc.core.middleware.InputGuardMiddleware refuses: the same class, as an ECMA-262 pattern.
TEXT_PATTERN = "^[^\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f]*$"
DATE_PATTERN = r"^\d{4}-\d{2}-\d{2}$"
_DATE = re.compile(DATE_PATTERN)


def _iso_date_only(value: Any) -> Any:
    """A date is written YYYY-MM-DD: pydantic alone would read `0` or `"0"` as 1970-01-01
    (a Unix time), which the schema (format: date) does not allow."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str) and _DATE.match(value):
        return value
    raise ValueError("a date is written YYYY-MM-DD")


IsoDate = Annotated[dt.date, BeforeValidator(_iso_date_only)]


def state_input_rules(schema: dict[str, Any]) -> dict[str, Any]:
    """Write into an OpenAPI document the rules the edge enforces on input: every string of a
    request parameter or body without a pattern of its own gets TEXT_PATTERN, every date
    DATE_PATTERN. Response schemas are left alone (they may carry any stored text)."""
    components = schema.get("components", {}).get("schemas", {})
    seen: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, list):
            for item in node:
                walk(item)
            return
        if not isinstance(node, dict):
            return
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
            name = ref.rsplit("/", 1)[1]
            if name not in seen and name in components:
                seen.add(name)
                walk(components[name])
        if node.get("type") == "string" and "enum" not in node and "pattern" not in node:
            node["pattern"] = DATE_PATTERN if node.get("format") == "date" else TEXT_PATTERN
        for key, value in node.items():
            if key != "$ref":
                walk(value)

    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            if not isinstance(operation, dict):
                continue
            for parameter in operation.get("parameters", []):
                walk(parameter.get("schema"))
                if parameter.get("in") == "path":
                    parameter.setdefault("schema", {}).setdefault("minLength", 1)
            walk(operation.get("requestBody"))
    return schema


class Page(Schema):
    count: int
    page: int
    page_size: int
    num_pages: int


def paginate(qs: Any, page: int, page_size: int) -> tuple[list[Any], dict[str, Any]]:
    """One page of `qs` and the Page fields; a page past the end is refused (404, see
    cchc.core.pagination.page_count), so a client reading pages never gets one twice."""
    count = qs.count()
    num_pages = page_count(count, page, page_size)
    items = list(qs[(page - 1) * page_size : page * page_size])
    return items, {"count": count, "page": page, "page_size": page_size, "num_pages": num_pages}
