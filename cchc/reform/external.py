"""External indices (PAPI, the national PAR INDEX, SIPAS) as published, and targets written in
scores or rank places (domain.md §7: "PAR top 10", "SIPAS ≥ 86 %", "PAPI +5 places", "stay
in group 1"). Published values are recorded, never computed; where the publisher gives only
scores, the province's rank is computed among the provinces recorded for that year and node.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cchc.core.actors import recorded_by
from cchc.core.errors import ValidationFailed
from cchc.core.scheme import competition_ranks
from cchc.interchange.formats import format_decimal
from cchc.reform.access import require_home_affairs
from cchc.reform.criteria import parse_points, show_points
from cchc.reform.models import ExternalIndex, ExternalValue, Target, TargetKind


def record_value(
    *,
    actor: Any,
    index: str,
    year: int,
    province_code: str,
    score: Any,
    node_code: str = "",
    node_name: str = "",
    max_score: Any = None,
    rank: int | None = None,
    group: str = "",
    lead_agency: Any = None,
) -> ExternalValue:
    require_home_affairs(actor)
    if index not in ExternalIndex.values:
        raise ValidationFailed(_("Unknown index %(i)s.") % {"i": index}, field="index")
    value = parse_points(score, field="score")
    maximum = parse_points(max_score, field="max_score") if max_score not in (None, "") else None
    if maximum is None:
        maximum = Decimal(10) if index == ExternalIndex.PAPI and node_code else Decimal(100)
        if index == ExternalIndex.PAPI and not node_code:
            maximum = Decimal(80)
    if value < 0 or value > maximum:
        raise ValidationFailed(
            _("The score must lie between 0 and %(max)s.") % {"max": show_points(maximum)},
            field="score",
        )
    fields = {
        "node_name": node_name,
        "score": value,
        "max_score": maximum,
        "rank": rank,
        "group": group,
        "lead_agency": lead_agency,
    }
    with transaction.atomic():
        obj = (
            ExternalValue.objects.select_for_update()
            .filter(index=index, year=year, province_code=province_code, node_code=node_code)
            .first()
        )
        if obj is None:
            obj = ExternalValue(
                index=index, year=year, province_code=province_code, node_code=node_code
            )
        elif all(getattr(obj, k) == v for k, v in fields.items()):
            return obj  # the same figure again: nothing to record
        else:
            obj.earlier = [*obj.earlier, _as_entered(obj)]
        for k, v in fields.items():
            setattr(obj, k, v)
        obj.entered_at = timezone.now()
        for field, value in recorded_by(actor, "entered_by").items():
            setattr(obj, field, value)
        obj.save()
    return obj


def _as_entered(v: ExternalValue) -> dict[str, Any]:
    """A stored figure as `earlier` keeps it once replaced."""
    return {
        "score": format_decimal(v.score),
        "max_score": format_decimal(v.max_score),
        "rank": v.rank,
        "group": v.group,
        "lead_agency": v.lead_agency.code if v.lead_agency else None,
        "entered_at": v.entered_at.isoformat() if v.entered_at else None,
        "entered_by": v.entered_by_label,
    }


def ranks(index: str, year: int, node_code: str = "") -> dict[str, int | None]:
    """Each province's rank: the published one, else computed from the recorded scores of
    the provinces recorded for that year, if there are two or more (the only province
    recorded is not "first": its rank is unknown)."""
    rows = list(ExternalValue.objects.filter(index=index, year=year, node_code=node_code))
    computed = (
        competition_ranks({r.province_code: float(r.score) for r in rows}) if len(rows) > 1 else {}
    )
    return {r.province_code: r.rank or computed.get(r.province_code) for r in rows}


def figure(index: str, year: int, node_code: str = "", province_code: str | None = None):  # type: ignore[no-untyped-def]
    province_code = province_code or settings.CCHC_PROVINCE_CODE
    value = ExternalValue.objects.filter(
        index=index, year=year, node_code=node_code, province_code=province_code
    ).first()
    if value is None:
        return None
    rank = ranks(index, year, node_code).get(province_code)
    previous = ExternalValue.objects.filter(
        index=index, year=year - 1, node_code=node_code, province_code=province_code
    ).exists()
    last_rank = ranks(index, year - 1, node_code).get(province_code) if previous else None
    return {
        "value": value,
        "score": float(value.score),
        "max": float(value.max_score),
        "rank": rank,
        "rank_change": (last_rank - rank) if (last_rank and rank) else None,
        "group": value.group,
        "provinces": ExternalValue.objects.filter(
            index=index, year=year, node_code=node_code
        ).count(),
    }


def save_target(
    *,
    actor: Any,
    year: int,
    index: str,
    kind: str,
    value: str,
    node_code: str = "",
    owner: Any = None,
    note: str = "",
) -> Target:
    require_home_affairs(actor)
    if kind not in TargetKind.values:
        raise ValidationFailed(_("Unknown target kind."), field="kind")
    if index not in ExternalIndex.values:
        raise ValidationFailed(_("Unknown index %(i)s.") % {"i": index}, field="index")
    value = value.strip()
    if kind != TargetKind.GROUP:
        try:
            float(value.replace(",", ".").lstrip("+"))
        except ValueError:
            raise ValidationFailed(_("The target must be a number."), field="value") from None
    if not value:
        raise ValidationFailed(_("Give the target value."), field="value")
    return Target.objects.create(
        year=year,
        index=index,
        node_code=node_code,
        kind=kind,
        value=value,
        owner=owner,
        note=note,
        entered_at=timezone.now(),
        **recorded_by(actor, "entered_by"),
    )


def dimension_name(index: str, node_code: str) -> str:
    """The name a dimension was published under (its latest recorded name), or ""."""
    if not node_code:
        return ""
    name = (
        ExternalValue.objects.filter(index=index, node_code=node_code)
        .exclude(node_name="")
        .order_by("-year")
        .values_list("node_name", flat=True)
        .first()
    )
    return name or ""


def assess_target(target: Target) -> dict[str, Any]:
    """The target judged on its own year's figure only (a 2027 "top 10" is neither met nor
    missed by the 2025 rank): `figure` and `on_track` are None until that figure is recorded.
    `latest` (year, figure): the latest figure before the target's year, shown as
    information while the target's own is missing. `dimension`: the node's published name."""
    province = settings.CCHC_PROVINCE_CODE
    fig = figure(target.index, target.year, target.node_code)
    latest = None
    if fig is None:
        earlier = (
            ExternalValue.objects.filter(
                index=target.index,
                node_code=target.node_code,
                province_code=province,
                year__lt=target.year,
            )
            .order_by("-year")
            .values_list("year", flat=True)
            .first()
        )
        if earlier is not None:
            latest = {"year": earlier, "figure": figure(target.index, earlier, target.node_code)}
    on_track = None
    if fig is not None:
        v = target.value.replace(",", ".").lstrip("+")
        if target.kind == TargetKind.SCORE:
            on_track = fig["score"] >= float(v)
        elif target.kind == TargetKind.RANK:
            on_track = fig["rank"] is not None and fig["rank"] <= float(v)
        elif target.kind == TargetKind.RANK_CHANGE:
            on_track = fig["rank_change"] is not None and fig["rank_change"] >= float(v)
        else:
            on_track = fig["group"] == target.value
    return {
        "target": target,
        "year": target.year if fig is not None else None,
        "figure": fig,
        "on_track": on_track,
        "latest": latest,
        "dimension": dimension_name(target.index, target.node_code),
    }
