"""The public transparency page: per-agency scores and on-time rates, ranked within their
ranking groups; no personal data, no login."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from cchc.agencies.models import Agency
from cchc.indices import reports as period_reports
from cchc.indices.export import table_response
from cchc.indices.models import ProvinceIndexSetting
from cchc.indices.views._shared import (
    SCHEME,
    _closed,
    _closed_notes,
    _common,
    _default_province,
    _export,
    _group_names,
    _period,
    planned,
)


def _group_key(agency: Agency) -> tuple[int, int, str]:
    """Ranking groups in their own order (RankingGroup.order, then name); no group last."""
    if not agency.group_id:
        return (1, 0, "")
    return (0, agency.group.order, agency.group.name)


def _group_name(agency: Agency) -> str:
    return agency.group.name if agency.group_id else _("(no group)")


@planned
def public(request: HttpRequest) -> HttpResponse:
    province = request.GET.get("province") or _default_province()
    period = _period(request)
    ps = period_reports.scores_for(SCHEME, period, province_code=province)
    rows = []
    for a in ps.agencies:
        s = ps.scores[a.pk]
        c = ps.counters[a.pk]
        received = c.get("received", 0)
        rows.append(
            {
                "agency": a,
                "total": s.total,
                "rank": ps.ranks.get(a.pk),
                "received": received,
                "on_time": c.get("on_time", 0),
                "on_time_rate": round(100 * c.get("on_time", 0) / received, 2)
                if received
                else None,
                "groups": [g.score for g in s.groups],
                "live_difference": ps.live_difference(a.pk),
            }
        )
    # ranks are counted within each ranking group: the ranked units are shown group by group
    # (the group's order, then rank), never merged ("1, 1, 1, 3" across groups reads as an
    # error); units below the minimum sample are listed apart, never ranked
    rows.sort(
        key=lambda r: (
            _group_key(r["agency"]),
            r["rank"] is None,
            r["rank"] or 0,
            -r["total"],
            r["agency"].code,
        )
    )
    unranked = sorted((r for r in rows if r["rank"] is None), key=lambda r: r["agency"].code)
    rows = [r for r in rows if r["rank"] is not None]
    for r in rows:
        r["group"] = _group_name(r["agency"])
    ranked_groups: list[tuple[str, list[dict[str, Any]]]] = []
    for r in rows:
        if not ranked_groups or ranked_groups[-1][0] != r["group"]:
            ranked_groups.append((r["group"], []))
        ranked_groups[-1][1].append(r)
    group_heads = [name for _c, name, _m in _group_names(ps)]
    if fmt := _export(request):
        headers = [
            _("Ranking group"),
            _("Rank"),
            _("Agency code"),
            _("Agency"),
            _("Total"),
            *group_heads,
            _("Dossiers received"),
            _("On-time rate (%)"),
            *([_("Live difference")] if ps.frozen else []),
        ]
        data = [
            [
                _group_name(r["agency"]),
                r["rank"] or _("Too few dossiers to rank"),
                r["agency"].code,
                r["agency"].name,
                r["total"],
                *r["groups"],
                r["received"],
                r["on_time_rate"] if r["on_time_rate"] is not None else "",
                *([r["live_difference"] or ""] if ps.frozen else []),
            ]
            for r in [*rows, *unranked]
        ]
        return table_response(
            fmt,
            _("Service index — %(p)s") % {"p": period.label},
            headers,
            data,
            _closed_notes(ps, named=False),
        )
    return render(
        request,
        "indices/public.html",
        _common(
            request,
            period,
            ps,
            # the public page promises no personal data: not the official who closed it
            closed=_closed(ps, named=False),
            rows=rows,
            ranked_groups=ranked_groups,
            unranked=unranked,
            group_heads=group_heads,
            min_dossiers=ProvinceIndexSetting.for_province(province).min_dossiers_to_rank,
            # the bars of the ranked units, group by group (the tables hold the same figures)
            public_chart={
                "labels": [r["agency"].name for r in rows],
                "total": [float(r["total"]) for r in rows],
                "on_time": [r["on_time_rate"] for r in rows],
            },
            chart_height=120 + 26 * len(rows),
        ),
    )
