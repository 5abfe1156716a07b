"""The province overview (dashboard) and the ranking of its agencies: the province's
scores of the period, and how they moved over the past periods."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from cchc.accounts import permissions
from cchc.agencies.models import Agency
from cchc.core.text import fold
from cchc.indices.export import table_response
from cchc.indices.models import ProvinceIndexSetting
from cchc.indices.templatetags.scores import score_formatter
from cchc.indices.views._shared import (
    _closed_notes,
    _common,
    _export,
    _group_names,
    _period,
    _trend,
    _trend_text,
    _viewer,
    planned,
)


def _led_agency(user: Any, province: str) -> Agency | None:
    """The agency of the province whose leader the user is (the first by code if several),
    unless the user sees the whole province anyway."""
    if permissions.sees_whole_province(user, province):
        return None
    from cchc.accounts.models import Membership

    led = permissions.agency_ids(user, [Membership.Role.LEADER])
    if not led:
        return None
    return Agency.objects.filter(pk__in=led, province_code=province).order_by("code").first()


def needs_attention(rows: list[tuple[Any, ...]], size: int = 5) -> list[Any]:
    """The lowest totals among ranked (agency, total, rank, group, ...) rows sorted best first,
    lowest first: never a unit that ranks first in its group, nor one of the `size` best."""
    return [r for r in rows[size:] if r[2] != 1][-size:][::-1]


# -- province overview ----------------------------------------------------------------------------------
@login_required
@planned
def dashboard(request: HttpRequest) -> HttpResponse:
    province = _viewer(request)
    if not request.GET and (own := _led_agency(request.user, province)) is not None:
        # a unit's leader opening the indices home lands on the unit's own page; the
        # province overview stays one link away (the menu's links carry ?period=)
        return redirect("indices:agency", code=own.code)
    period = _period(request)
    ps, trend = _trend(period, province)
    setting = ProvinceIndexSetting.for_province(province)
    prov = ps.province
    chart = {
        "labels": [t["period_label"] for t in trend],
        "total": [t["province_total"] for t in trend],
        "target": [float(setting.target_total)] * len(trend),
        "groups": {
            g.code: [t["province_groups"].get(g.code) for t in trend] for g in ps.spec.groups
        },
        "group_names": {g.code: g.label for g in ps.spec.groups},
    }
    if fmt := _export(request):
        names = {g.code: g.label for g in ps.spec.groups}
        data = [
            [_("Province total"), prov.total, ps.spec.max_points],
            *[[names[g.code], g.score, g.max_points] for g in prov.groups],
        ]
        data += [[t["period_label"], t["province_total"], t["max_points"]] for t in trend[:-1]]
        return table_response(
            fmt,
            _("Service index — %(p)s") % {"p": period.label},
            [_("Group"), _("Score"), _("Max")],
            data,
            [
                ps.spec.title,
                _("Target") + f": {setting.target_total}",
                *_closed_notes(ps),
            ],
        )
    ranked = sorted(
        (a for a in ps.agencies if ps.ranks.get(a.pk)), key=lambda a: -ps.scores[a.pk].total
    )
    # ranks are counted within each group: the lists mix groups, so each rank shows its
    # group's size ("2/21") and the group's name, or "1, 1, 2, 3, 2" reads as an error
    sizes = Counter(a.group_id for a in ranked)
    rows = [
        (
            a,
            ps.scores[a.pk].total,
            ps.ranks[a.pk],
            a.group.name if a.group_id else "",
            sizes[a.group_id],
        )
        for a in ranked
    ]
    attention = needs_attention(rows)
    return render(
        request,
        "indices/dashboard.html",
        _common(
            request,
            period,
            ps,
            province=province,
            prov=prov,
            chart=json.dumps(chart),
            setting=setting,
            top=rows[:5],
            bottom=attention,
            groups=_group_names(ps),
            agencies_count=len(ps.agencies),
            unranked=sum(1 for a in ps.agencies if ps.ranks.get(a.pk) is None),
        ),
    )


# -- rankings ----------------------------------------------------------------------------------------
@login_required
@planned
def ranking(request: HttpRequest) -> HttpResponse:
    province = _viewer(request)
    period = _period(request)
    ps, trend = _trend(period, province)
    prev = trend[-2] if len(trend) > 1 else None
    tables: dict[str, list[dict[str, Any]]] = {}
    # a thousand cells: links and numbers are prepared here, not resolved one by one by the
    # template engine (half of the page's time before)
    link = reverse("indices:agency", args=["__code__"]) + f"?{urlencode({'period': str(period)})}"
    fmt2 = score_formatter()
    group_heads = [name for _c, name, _m in _group_names(ps)]
    for a in ps.agencies:
        rank, before = ps.ranks.get(a.pk), (prev["rank"].get(a.pk) if prev else None)
        s = ps.scores[a.pk]
        tables.setdefault(a.group.name if a.group_id else _("(no group)"), []).append(
            {
                "agency": a,
                "total": s.total,
                "rank": rank,
                "previous_rank": before,
                "change": (before - rank) if rank and before else None,
                "groups": [g.score for g in s.groups],
                "dossiers": ps.counters[a.pk].get("received", 0),
                "spark": json.dumps([t["total"].get(a.pk) for t in trend]),
                "spark_text": _trend_text(trend, [t["total"].get(a.pk) for t in trend]),
                "url": link.replace("__code__", a.code),
                "total_text": fmt2(s.total),
                "live_difference": ps.live_difference(a.pk),
                # each group's points say which group they are (the label a phone shows)
                "cells": format_html_join(
                    "",
                    '<td data-label="{}">{}</td>',
                    zip(group_heads, (fmt2(g.score) for g in s.groups), strict=True),
                ),
            }
        )
    for rows in tables.values():
        rows.sort(key=lambda r: (r["rank"] is None, r["rank"] or 0, r["agency"].code))
    # units below the minimum sample are listed apart, not at the bottom of a ranking
    unranked = sorted(
        (r for rows in tables.values() for r in rows if r["rank"] is None),
        key=lambda r: r["agency"].code,
    )
    # a search by unit name or code (accents optional) narrows the rows, never re-ranks them:
    # on a phone the whole ranking is thousands of pixels of cards
    q = request.GET.get("q", "").strip()[:100]
    if needle := fold(q):

        def found(r: dict[str, Any]) -> bool:
            return needle in fold(r["agency"].name) or needle in fold(r["agency"].code)

        tables = {n: kept for n, rows in tables.items() if (kept := [r for r in rows if found(r)])}
        unranked = [r for r in unranked if found(r)]
    if fmt := _export(request):
        headers = [
            _("Ranking group"),
            _("Rank"),
            _("Change"),
            _("Agency code"),
            _("Agency"),
            _("Total"),
            *group_heads,
            _("Dossiers"),
            *([_("Live difference")] if ps.frozen else []),
        ]
        data = [
            [
                grp,
                r["rank"] or _("Too few dossiers to rank"),
                r["change"] if r["change"] is not None else "",
                r["agency"].code,
                r["agency"].name,
                r["total"],
                *r["groups"],
                r["dossiers"],
                *([r["live_difference"] or ""] if ps.frozen else []),
            ]
            for grp, rows in tables.items()
            for r in rows
        ]
        return table_response(
            fmt,
            _("Ranking %(p)s") % {"p": period.label},
            headers,
            data,
            [ps.spec.title, *_closed_notes(ps)],
        )
    setting = ProvinceIndexSetting.for_province(province)
    return render(
        request,
        "indices/ranking.html",
        _common(
            request,
            period,
            ps,
            tables=sorted(
                (name, [r for r in rows if r["rank"] is not None]) for name, rows in tables.items()
            ),
            unranked=unranked,
            q=q,
            group_heads=group_heads,
            previous=prev["period_label"] if prev else "—",
            min_dossiers=setting.min_dossiers_to_rank,
            labels=json.dumps([t["period_label"] for t in trend]),
        ),
    )
