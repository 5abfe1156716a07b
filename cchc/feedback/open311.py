"""Open311 GeoReport v2 server (interchange.md §4; http://wiki.open311.org/GeoReport_v2).

Services are our petition topics (service_code = topic code; GET filters also accept the
category codes TTHC, CANBO, KHAC). A POSTed request becomes an ordinary petition with
channel OPEN311 through `intake.file_petition`. Errors use the spec's format:
`[{"code": 400, "description": "..."}]` or `<errors><error>…</error></errors>` with the same
HTTP status. Personal data never leaves through this API: descriptions and answers are
shown only once an answer is published, with phone numbers and e-mails removed.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any
from xml.etree import ElementTree as ET

from django.conf import settings
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from cchc.agencies.models import Agency
from cchc.core import idempotency
from cchc.core.calendar import LOCAL_TZ
from cchc.core.errors import DomainError
from cchc.feedback import common, intake, throttle
from cchc.feedback.models import (
    CLOSED_STATUSES,
    OPEN_STATUSES,
    Category,
    Petition,
    PetitionChannel,
    PetitionStatus,
    Topic,
)
from cchc.feedback.open311_clients import authenticate
from cchc.feedback.text import clean_text, redact

MAX_RANGE_DAYS = 90
MAX_RESULTS = 1000
CONTENT_TYPES = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}
SPEC_URL = "http://wiki.open311.org/GeoReport_v2"
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


class Open311Error(Exception):
    def __init__(self, status: int, description: str):
        super().__init__(description)
        self.status = status
        self.description = description


# -- rendering ---------------------------------------------------------------------------------
def w3c(moment: dt.datetime | None) -> str | None:
    """W3C datetime with the +07:00 offset, e.g. 2026-11-16T09:00:00+07:00."""
    return moment.astimezone(LOCAL_TZ).isoformat(timespec="seconds") if moment else None


def _xml_value(parent: ET.Element, tag: str, value: Any, item_tags: dict[str, str]) -> None:
    el = ET.SubElement(parent, tag)
    if isinstance(value, dict):
        for k, v in value.items():
            _xml_value(el, k, v, item_tags)
    elif isinstance(value, list):
        child_tag = item_tags.get(tag, "item")
        for item in value:
            _xml_value(el, child_tag, item, item_tags)
    elif isinstance(value, bool):
        el.text = "true" if value else "false"
    elif value is not None:
        # Rows stored before the input guard may hold characters XML 1.0 cannot carry: drop
        # them so one such row never makes the whole document unreadable.
        el.text = _XML_INVALID.sub("", str(value))


def to_xml(root: str, item: str, data: Any) -> bytes:
    item_tags = {
        root: item,
        "attributes": "attribute",
        "values": "value",
        "endpoints": "endpoint",
        "formats": "format",
    }
    top = ET.Element(root)
    if isinstance(data, list):
        for entry in data:
            _xml_value(top, item, entry, item_tags)
    else:
        for k, v in data.items():
            _xml_value(top, k, v, item_tags)
    return b'<?xml version="1.0" encoding="utf-8"?>' + ET.tostring(top, encoding="utf-8")


def respond(data: Any, fmt: str, *, root: str, item: str, status: int = 200) -> HttpResponse:
    if fmt == "xml":
        body = to_xml(root, item, data)
    else:
        body = json.dumps(data, ensure_ascii=False, default=str).encode()
    return HttpResponse(body, status=status, content_type=CONTENT_TYPES[fmt])


def error_response(status: int, description: str, fmt: str) -> HttpResponse:
    return respond(
        [{"code": status, "description": description}],
        fmt if fmt in CONTENT_TYPES else "json",
        root="errors",
        item="error",
        status=status,
    )


def endpoint(view):  # type: ignore[no-untyped-def]
    """Turn Open311Error / DomainError into the spec's error format; unknown formats → 400."""

    @csrf_exempt
    def wrapper(request: HttpRequest, *args: Any, fmt: str = "json", **kwargs: Any) -> HttpResponse:
        fmt = (fmt or "json").lower()
        if fmt not in CONTENT_TYPES:
            return error_response(
                400, _("Unsupported format %(fmt)s: use .json or .xml.") % {"fmt": fmt}, "json"
            )
        try:
            return view(request, *args, fmt=fmt, **kwargs)
        except Open311Error as exc:
            return error_response(exc.status, exc.description, fmt)
        except DomainError as exc:
            status = exc.status if exc.status in (400, 403, 404, 409, 422) else 400
            return error_response(400 if status == 409 else status, exc.message, fmt)

    wrapper.__name__ = view.__name__
    return wrapper


# -- services ----------------------------------------------------------------------------------
def _topics():  # type: ignore[no-untyped-def]
    return Topic.objects.filter(active=True).order_by("order", "code")


def service_entry(topic: Topic) -> dict[str, Any]:
    return {
        "service_code": topic.code,
        "service_name": topic.name,
        "description": topic.description,
        "metadata": bool(topic.attributes),
        "type": "realtime",
        "keywords": topic.keywords,
        "group": str(Category(topic.category).label),
    }


def _definition_attributes(topic: Topic) -> list[dict[str, Any]]:
    out = []
    for attr in sorted(topic.attributes, key=lambda a: a.get("order", 0)):
        out.append(
            {
                "variable": True,
                "code": attr["code"],
                "datatype": attr.get("datatype", "string"),
                "required": bool(attr.get("required")),
                "datatype_description": attr.get("datatype_description", ""),
                "order": attr.get("order", 0),
                "description": attr.get("description", ""),
                **(
                    {"values": [{"key": v["key"], "name": v["name"]} for v in attr["values"]]}
                    if attr.get("values")
                    else {}
                ),
            }
        )
    return out


@endpoint
def discovery(request: HttpRequest, *, fmt: str) -> HttpResponse:
    changed = Topic.objects.order_by("-pk").values_list("pk", flat=True).first()
    url = request.build_absolute_uri(reverse("open311:discovery", kwargs={"fmt": fmt})).rsplit(
        "/", 1
    )[0]
    data = {
        "changeset": w3c(dt.datetime(2026, 11, 1, tzinfo=LOCAL_TZ)) if changed else None,
        "contact": getattr(settings, "DEFAULT_FROM_EMAIL", ""),
        "key_service": _(
            "API keys are issued by the province's administrator (python manage.py create_api_key NAME)."
        ),
        "endpoints": [
            {
                "specification": SPEC_URL,
                "url": url,
                "changeset": w3c(dt.datetime(2026, 11, 1, tzinfo=LOCAL_TZ)),
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }
    return respond(data, fmt, root="discovery", item="endpoint")


@endpoint
def service_list(request: HttpRequest, *, fmt: str) -> HttpResponse:
    return respond([service_entry(t) for t in _topics()], fmt, root="services", item="service")


@endpoint
def service_definition(request: HttpRequest, code: str, *, fmt: str) -> HttpResponse:
    topic = _topics().filter(code=code).first()
    if topic is None:
        raise Open311Error(404, _("Unknown service_code %(code)s.") % {"code": code})
    data = {"service_code": topic.code, "attributes": _definition_attributes(topic)}
    return respond(data, fmt, root="service_definition", item="attribute")


# -- requests ----------------------------------------------------------------------------------
def request_entry(p: Petition) -> dict[str, Any]:
    published = p.status == PetitionStatus.PUBLISHED
    if published:
        notes = redact(p.answer)
    elif p.status == PetitionStatus.REJECTED:
        notes = _("Not handled as a petition.")
    elif p.status == PetitionStatus.NEED_INFO:
        notes = _("Waiting for more information from the petitioner.")
    elif p.status == PetitionStatus.MERGED and p.duplicate_of_id:
        notes = _("Merged into %(code)s.") % {"code": p.duplicate_of.code}
    else:
        notes = PetitionStatus(p.status).label
    return {
        "service_request_id": p.code,
        "status": "closed" if p.status in CLOSED_STATUSES else "open",
        "status_notes": str(notes),
        "service_name": p.topic.name if p.topic else str(Category(p.category).label),
        "service_code": p.topic.code if p.topic else p.category,
        "description": redact(f"{p.title}\n{p.description}".strip()) if published else "",
        "agency_responsible": p.agency.name if p.agency else "",
        "service_notice": "",
        "requested_datetime": w3c(p.received_at),
        "updated_datetime": w3c(p.updated_at),
        "expected_datetime": w3c(p.handle_due_at) if p.status in OPEN_STATUSES else None,
        # Where and what (address, coordinates, photo) only once the answer is published:
        # before that a petition is the petitioner's and the agency's alone.
        "address": p.address if published else "",
        "address_id": "",
        "zipcode": "",
        "lat": float(p.lat) if published and p.lat is not None else None,
        "long": float(p.long) if published and p.long is not None else None,
        "media_url": p.media_url if published else "",
    }


def parse_w3c(value: str, name: str) -> dt.datetime:
    text = value.strip()
    try:
        if len(text) == 10:
            return dt.datetime.combine(dt.date.fromisoformat(text), dt.time.min, LOCAL_TZ)
        moment = dt.datetime.fromisoformat(
            text.replace(" ", "+") if "T" in text and " " in text else text
        )
    except ValueError as exc:
        raise Open311Error(
            400,
            _("%(name)s must be a W3C datetime such as 2026-11-01T00:00:00+07:00.")
            % {"name": name},
        ) from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=LOCAL_TZ)


def _list_param(request: HttpRequest, name: str) -> list[str]:
    values: list[str] = []
    for raw in request.GET.getlist(name):
        values.extend(v.strip() for v in raw.split(",") if v.strip())
    return values


def _petitions():  # type: ignore[no-untyped-def]
    return Petition.objects.select_related("topic", "agency", "duplicate_of")


def _get_requests(request: HttpRequest, fmt: str) -> HttpResponse:
    ids = _list_param(request, "service_request_id")
    if ids:  # "overrides all other arguments" (spec)
        found = {p.code: p for p in _petitions().filter(code__in=ids[:MAX_RESULTS])}
        data = [request_entry(found[i]) for i in ids if i in found]
        return respond(data, fmt, root="service_requests", item="request")
    qs = _petitions()
    codes = _list_param(request, "service_code")
    if codes:
        known = set(Topic.objects.filter(code__in=codes).values_list("code", flat=True)) | (
            set(codes) & set(Category.values)
        )
        unknown = sorted(set(codes) - known)
        if unknown:
            raise Open311Error(
                400, _("Unknown service_code %(code)s.") % {"code": ", ".join(unknown)}
            )
        qs = qs.filter(Q(topic__code__in=codes) | Q(topic__isnull=True, category__in=codes))
    start = (
        parse_w3c(request.GET["start_date"], "start_date")
        if request.GET.get("start_date")
        else None
    )
    end = parse_w3c(request.GET["end_date"], "end_date") if request.GET.get("end_date") else None
    if start and end and end < start:
        raise Open311Error(400, _("end_date is before start_date."))
    if start and end and end - start > dt.timedelta(days=MAX_RANGE_DAYS):
        raise Open311Error(
            400, _("The date range may not span more than %(n)s days.") % {"n": MAX_RANGE_DAYS}
        )
    if start is None and end is None:
        end = timezone.now()
    if start is None:
        start = end - dt.timedelta(days=MAX_RANGE_DAYS)
    if end is None:
        end = start + dt.timedelta(days=MAX_RANGE_DAYS)
    qs = qs.filter(received_at__gte=start, received_at__lte=end)
    statuses = _list_param(request, "status")
    bad = sorted(set(statuses) - {"open", "closed"})
    if bad:
        raise Open311Error(400, _("status must be open or closed."))
    if statuses and set(statuses) != {"open", "closed"}:
        qs = qs.filter(
            status__in=OPEN_STATUSES
            if statuses == ["open"] or set(statuses) == {"open"}
            else CLOSED_STATUSES
        )
    data = [request_entry(p) for p in qs.order_by("-received_at")[:MAX_RESULTS]]
    return respond(data, fmt, root="service_requests", item="request")


def _attribute_values(topic: Topic, request: HttpRequest) -> dict[str, Any]:
    """Collect attribute[code] values and check them against the service definition."""
    given: dict[str, Any] = {}
    for key in request.POST:
        if not key.startswith("attribute["):
            continue
        inner = key[len("attribute[") :]
        code, _sep, rest = inner.partition("]")
        if not code or rest not in ("", "[]"):
            raise Open311Error(400, _("Malformed attribute parameter %(key)s.") % {"key": key})
        values = [v.strip() for v in request.POST.getlist(key)]
        given[code] = values if rest == "[]" or len(values) > 1 else values[0]
    definitions = {a["code"]: a for a in topic.attributes}
    unknown = sorted(set(given) - set(definitions))
    if unknown:
        raise Open311Error(
            400,
            _("Unknown attribute %(code)s for service %(service)s.")
            % {"code": ", ".join(unknown), "service": topic.code},
        )
    clean: dict[str, Any] = {}
    for code, attr in definitions.items():
        value = given.get(code)
        if value in (None, "", []):
            if attr.get("required"):
                raise Open311Error(400, _("Attribute %(code)s is required.") % {"code": code})
            continue
        datatype = attr.get("datatype", "string")
        keys = {v["key"] for v in attr.get("values", [])}
        if datatype == "multivaluelist":
            items = value if isinstance(value, list) else [value]
            if not set(items) <= keys:
                raise Open311Error(400, _("Attribute %(code)s: invalid value.") % {"code": code})
            clean[code] = items
            continue
        if isinstance(value, list):
            raise Open311Error(400, _("Attribute %(code)s takes a single value.") % {"code": code})
        if datatype == "singlevaluelist" and value not in keys:
            raise Open311Error(
                400,
                _("Attribute %(code)s: %(value)s is not one of %(keys)s.")
                % {"code": code, "value": value, "keys": ", ".join(sorted(keys))},
            )
        if datatype == "number":
            try:
                float(value)
            except ValueError as exc:
                raise Open311Error(
                    400, _("Attribute %(code)s must be a number.") % {"code": code}
                ) from exc
        if datatype == "datetime":
            value = w3c(parse_w3c(value, f"attribute[{code}]"))
        if len(str(value)) > 2000:
            raise Open311Error(400, _("Attribute %(code)s is too long.") % {"code": code})
        clean[code] = clean_text(str(value), multiline=datatype == "text")
    return clean


# The longest value stored for each POST parameter: a longer one is refused with a 400,
# never cut short (what the client sent is either kept whole or not taken at all).
POST_LIMITS = {
    "service_code": 40,
    "address_string": 300,
    "address_id": 300,
    "first_name": 100,
    "last_name": 99,
    "email": 254,
    "phone": 20,
    "media_url": 200,
    "device_id": 200,
    "account_id": 200,
    "lat": 40,
    "long": 40,
}


def _check_lengths(request: HttpRequest) -> None:
    for name, limit in POST_LIMITS.items():
        value = request.POST.get(name, "").strip()
        if len(value) > limit:
            raise Open311Error(
                400,
                _("%(name)s is too long (%(n)s characters, at most %(max)s).")
                % {"name": name, "n": len(value), "max": limit},
            )


def _post_request(request: HttpRequest, fmt: str) -> HttpResponse:
    client = authenticate(request.POST.get("api_key", ""))
    if client is None:
        raise Open311Error(403, _("A valid api_key is required to create a service request."))
    if not throttle.hit("api_key", str(client.pk)):
        raise Open311Error(429, _("Too many requests with this api_key; try again later."))
    # A client that got no answer (timeout, a 500 while the database restarted) may send the
    # POST again with the same `Idempotency-Key` header: the petition is filed once and the
    # retry gets the first answer (issue 12.4, as the JSON API; keys are per API client).
    return idempotency.once(
        request,
        scope=f"open311:{client.pk}",
        act=lambda: _file_request(request, fmt, client),
    )


def _file_request(request: HttpRequest, fmt: str, client: Any) -> HttpResponse:
    _check_lengths(request)
    code = request.POST.get("service_code", "").strip()
    if not code:
        raise Open311Error(400, _("service_code is required."))
    topic = _topics().filter(code=code).first()
    if topic is None:
        raise Open311Error(404, _("Unknown service_code %(code)s.") % {"code": code})
    lat, long = request.POST.get("lat", "").strip(), request.POST.get("long", "").strip()
    address = request.POST.get("address_string", "").strip()
    address_id = request.POST.get("address_id", "").strip()
    if not ((lat and long) or address or address_id):
        raise Open311Error(
            400, _("A location is required: lat and long, address_string or address_id.")
        )
    attributes = _attribute_values(topic, request)
    agency = None
    if attributes.get("agency_code"):
        agency = Agency.objects.filter(code=attributes["agency_code"]).first()
        if agency is None:
            raise Open311Error(
                400, _("Unknown agency_code %(code)s.") % {"code": attributes["agency_code"]}
            )
    description = request.POST.get("description", "")
    name = " ".join(
        p
        for p in (
            request.POST.get("first_name", "").strip(),
            request.POST.get("last_name", "").strip(),
        )
        if p
    )
    # GeoReport v2 makes name, e-mail and phone optional: such a report is filed anonymously
    # and answered only in public, through GET requests/{id} (status_notes carries the answer
    # once published) and the token the POST returned.
    name = name or _("Anonymous (Open311)")
    first_line = clean_text(description, multiline=False)
    title = first_line if len(first_line) <= 100 else first_line[:99].rsplit(" ", 1)[0] + "…"
    media_url = request.POST.get("media_url", "").strip()
    if media_url and not media_url.startswith(("http://", "https://")):
        raise Open311Error(400, _("media_url must be an http(s) URL."))
    petition = intake.file_petition(
        channel=PetitionChannel.OPEN311,
        category=topic.category,
        topic=topic,
        title=title or topic.name,
        description=description,
        agency=agency,
        petitioner=intake.Petitioner(
            name=name, phone=request.POST.get("phone", ""), email=request.POST.get("email", "")
        ),
        dossier_code=attributes.get("dossier_code", ""),
        lat=lat or None,
        long=long or None,
        address=address or address_id,
        attribute_values={**attributes, "open311_client": client.name},
        media_url=media_url,
        actor=request.user,  # the member of the public behind the API client
    )
    data = [
        {
            "service_request_id": petition.code,
            "token": petition.token,
            # read by the person who sent it: the due date the way the site writes it
            "service_notice": _("Answer due by %(at)s.")
            % {"at": common.local_text(petition.handle_due_at)}
            if petition.handle_due_at
            else "",
            "account_id": None,
        }
    ]
    return respond(data, fmt, root="service_requests", item="request", status=201)


@endpoint
def requests_view(request: HttpRequest, *, fmt: str) -> HttpResponse:
    if request.method == "POST":
        return _post_request(request, fmt)
    if request.method in ("GET", "HEAD"):
        return _get_requests(request, fmt)
    raise Open311Error(405, _("Method not allowed."))


@endpoint
def request_detail(request: HttpRequest, request_id: str, *, fmt: str) -> HttpResponse:
    petition = _petitions().filter(code=request_id).first()
    if petition is None:
        raise Open311Error(404, _("Unknown service_request_id %(id)s.") % {"id": request_id})
    return respond([request_entry(petition)], fmt, root="service_requests", item="request")


@endpoint
def token_detail(request: HttpRequest, token: str, *, fmt: str) -> HttpResponse:
    petition = Petition.objects.filter(token=token).only("code", "token").first()
    if petition is None:
        raise Open311Error(404, _("Unknown token."))
    return respond(
        [{"service_request_id": petition.code, "token": petition.token}],
        fmt,
        root="service_requests",
        item="request",
    )
