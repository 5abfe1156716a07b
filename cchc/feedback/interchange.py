"""Bundle hooks for `petitions.jsonl` (interchange.md §1).

The import_bundle command (interchange app) calls these three functions:
`validate_petition_row` (one row → clean values, or ValidationFailed with the reason),
`apply_petition_rows` (idempotent, keyed by `Ma`) and `export_petition_rows`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from cchc.agencies.models import Agency
from cchc.core import rowsql
from cchc.core.actors import IMPORT
from cchc.core.bundle_values import text_value
from cchc.core.calendar import LOCAL_TZ
from cchc.core.errors import ValidationFailed
from cchc.feedback import intake
from cchc.feedback.models import BUNDLE_STATUS, Category, Petition, PetitionChannel, PetitionStatus
from cchc.feedback.text import clean_text

FIELDS = (
    "Ma",
    "MaDonVi",
    "LoaiPhanAnh",
    "Kenh",
    "NgayTiepNhan",
    "HanXuLy",
    "NgayXuLyXong",
    "NgayCongKhai",
    "TrangThai",
    "MaHoSo",
    "SoThich",
    "SoKhongThich",
    # optional texts (proposed for interchange.md §1): title, content and public answer
    "TieuDe",
    "NoiDung",
    "TraLoi",
)
# bundle key, model field, longest accepted text, one line only
TEXTS = (
    ("TieuDe", "title", 200, True),
    ("NoiDung", "description", 10000, False),
    ("TraLoi", "answer", 10000, False),
)
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,39}$")
STATUS_FROM_BUNDLE = {v: k for k, v in BUNDLE_STATUS.items()} | {
    s.value: s.value for s in PetitionStatus
}


def _datetime(row: dict[str, Any], key: str, *, required: bool = False) -> dt.datetime | None:
    value = text_value(
        row, key, required=required, expected=_("%(field)s must be an ISO 8601 date-time string.")
    )
    if value is None:
        return None
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError as exc:
        raise ValidationFailed(
            _("%(field)s is not an ISO 8601 date-time: %(value)s") % {"field": key, "value": value},
            field=key,
        ) from exc
    if moment.tzinfo is None:
        raise ValidationFailed(
            _("%(field)s needs a UTC offset, e.g. +07:00: %(value)s")
            % {"field": key, "value": value},
            field=key,
        )
    return moment


def _count(row: dict[str, Any], key: str) -> int:
    value = row.get(key)
    if value in (None, ""):
        return 0
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValidationFailed(
            _("%(field)s must be a whole number ≥ 0.") % {"field": key}, field=key
        )
    return value


def _texts(row: dict[str, Any]) -> dict[str, str]:
    """The optional title, content and answer: text or null, no control characters, never
    cut (an over-long text is refused)."""
    texts = {}
    for key, name, limit, one_line in TEXTS:
        value = row.get(key)
        if value in (None, ""):
            texts[name] = ""
            continue
        if not isinstance(value, str):
            raise ValidationFailed(
                _("%(field)s must be a text or null.") % {"field": key}, field=key
            )
        if CONTROL.search(value):
            raise ValidationFailed(
                _("%(field)s contains a control character (such as NUL), which is not accepted.")
                % {"field": key},
                field=key,
            )
        text = clean_text(value, multiline=not one_line)
        if len(text) > limit:
            raise ValidationFailed(
                _("%(field)s is too long (%(n)s characters, at most %(max)s).")
                % {"field": key, "n": len(text), "max": limit},
                field=key,
            )
        texts[name] = text
    return texts


def validate_petition_row(row: dict) -> dict:
    """Check one petitions.jsonl row; return the values `apply_petition_rows` stores."""
    if not isinstance(row, dict):
        raise ValidationFailed(_("Each line must be a JSON object."))
    unknown = sorted(set(row) - set(FIELDS))
    if unknown:
        raise ValidationFailed(_("Unknown field(s): %(fields)s") % {"fields": ", ".join(unknown)})
    code = row.get("Ma")
    if not isinstance(code, str) or not CODE.match(code):
        raise ValidationFailed(_("Ma must be a petition code such as PA-2026-000123."), field="Ma")
    agency_code = row.get("MaDonVi")
    # every row is checked twice (interchange, then apply): a fixed statement, not a compiled query
    agency = rowsql.get_row(Agency, "code", agency_code) if isinstance(agency_code, str) else None
    if agency is None:
        raise ValidationFailed(
            _("Unknown agency code MaDonVi=%(code)s.") % {"code": agency_code}, field="MaDonVi"
        )
    category = row.get("LoaiPhanAnh")
    if category not in Category.values:
        raise ValidationFailed(
            _("LoaiPhanAnh must be TTHC, CANBO or KHAC (got %(v)s).") % {"v": category},
            field="LoaiPhanAnh",
        )
    channel = row.get("Kenh")
    if channel not in PetitionChannel.values:
        raise ValidationFailed(
            _("Kenh must be WEB, OPEN311, HOTLINE, COUNTER or MAIL (got %(v)s).") % {"v": channel},
            field="Kenh",
        )
    status = STATUS_FROM_BUNDLE.get(row.get("TrangThai"))
    if status is None:
        raise ValidationFailed(
            _("Unknown TrangThai %(v)s; expected one of %(all)s.")
            % {"v": row.get("TrangThai"), "all": ", ".join(BUNDLE_STATUS.values())},
            field="TrangThai",
        )
    received = _datetime(row, "NgayTiepNhan", required=True)
    handle_due = _datetime(row, "HanXuLy")
    handled = _datetime(row, "NgayXuLyXong")
    published = _datetime(row, "NgayCongKhai")
    if handle_due and handle_due < received:
        raise ValidationFailed(_("HanXuLy is before NgayTiepNhan."), field="HanXuLy")
    if handled and handled < received:
        raise ValidationFailed(_("NgayXuLyXong is before NgayTiepNhan."), field="NgayXuLyXong")
    if published and handled and published < handled:
        raise ValidationFailed(_("NgayCongKhai is before NgayXuLyXong."), field="NgayCongKhai")
    if status == PetitionStatus.PUBLISHED and published is None:
        raise ValidationFailed(
            _("A published petition (DA_CONG_KHAI) needs NgayCongKhai."), field="NgayCongKhai"
        )
    if status in (PetitionStatus.ANSWERED, PetitionStatus.PUBLISHED) and handled is None:
        raise ValidationFailed(_("An answered petition needs NgayXuLyXong."), field="NgayXuLyXong")
    dossier_code = row.get("MaHoSo") or ""
    if not isinstance(dossier_code, str) or len(dossier_code) > 60:
        raise ValidationFailed(_("MaHoSo must be a dossier code or null."), field="MaHoSo")
    return {
        "code": code,
        "agency": agency,
        "category": category,
        "channel": channel,
        "status": status,
        "received_at": received,
        "handle_due_at": handle_due,
        "handled_at": handled,
        "published_at": published,
        "dossier_code": dossier_code,
        "likes": _count(row, "SoThich"),
        "dislikes": _count(row, "SoKhongThich"),
        **_texts(row),
    }


def apply_petition_rows(rows: list[dict]) -> dict:
    """Validate then store every row in one transaction (nothing is stored if one is bad);
    a second run of the same rows changes nothing."""
    cleaned = []
    for number, row in enumerate(rows, start=1):
        try:
            cleaned.append(validate_petition_row(row))
        except ValidationFailed as exc:
            raise ValidationFailed(
                _("Row %(n)s: %(reason)s") % {"n": number, "reason": exc.message}, field=exc.field
            ) from exc
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    with transaction.atomic():
        for values in cleaned:
            counts[intake.import_petition(values, actor=IMPORT)] += 1
    return counts


def _iso(moment: dt.datetime | None) -> str | None:
    # to the microsecond, as stored: a petition filed in the platform, exported and read back
    # by its own import, is "unchanged" (interchange.md §1), not updated with its times cut
    return moment.astimezone(LOCAL_TZ).isoformat() if moment else None


def export_petition_rows(
    date_from: dt.date | dt.datetime | None = None, date_to: dt.date | dt.datetime | None = None
) -> Iterator[dict]:
    """Petitions received in [date_from, date_to] (local dates, inclusive), as bundle rows."""
    qs = Petition.objects.select_related("agency").order_by("received_at", "pk")
    if date_from is not None:
        start = (
            date_from
            if isinstance(date_from, dt.datetime)
            else dt.datetime.combine(date_from, dt.time.min, LOCAL_TZ)
        )
        qs = qs.filter(received_at__gte=start)
    if date_to is not None:
        end = (
            date_to
            if isinstance(date_to, dt.datetime)
            else dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min, LOCAL_TZ)
        )
        qs = (
            qs.filter(received_at__lt=end)
            if not isinstance(date_to, dt.datetime)
            else qs.filter(received_at__lte=end)
        )
    for p in qs.iterator(chunk_size=2000):
        yield {
            "Ma": p.code,
            "MaDonVi": p.agency.code if p.agency else None,
            "LoaiPhanAnh": p.category,
            "Kenh": p.channel,
            "NgayTiepNhan": _iso(p.received_at),
            "HanXuLy": _iso(p.handle_due_at),
            "NgayXuLyXong": _iso(p.handled_at),
            "NgayCongKhai": _iso(p.published_at),
            "TrangThai": p.bundle_status,
            "MaHoSo": p.dossier_code or None,
            "SoThich": p.likes,
            "SoKhongThich": p.dislikes,
            # the optional texts only where there are any (older exports stay byte-identical)
            **{key: getattr(p, name) for key, name, _limit, _line in TEXTS if getattr(p, name)},
        }
