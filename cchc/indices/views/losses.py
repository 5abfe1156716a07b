"""Where the province loses the most points: metric by metric, with the points above a
group's cap and the balance of the province's maximum."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from cchc.accounts import permissions
from cchc.indices import points
from cchc.indices import reports as period_reports
from cchc.indices.export import table_response
from cchc.indices.templatetags.scores import score2
from cchc.indices.views._shared import (
    SCHEME,
    _closed_notes,
    _common,
    _export,
    _period,
    _viewer,
    planned,
)
from cchc.indices.views.agency import _may_see_evidence


def _focus(request: HttpRequest, ps: Any, province: str) -> Any:
    """The agency whose own losses the page sets beside the province's: the one asked for
    (`?agency=CODE`, from the agency page), else the viewer's own when they belong to one
    agency only and do not see the whole province (a commune leader asking "what pulled us
    down?" finds their unit's lost points on the page, not only the three worst agencies)."""
    by_code = {a.code: a for a in ps.agencies}
    if code := request.GET.get("agency", ""):
        return by_code.get(code)
    if permissions.sees_whole_province(request.user, province):
        return None
    own = [a for a in ps.agencies if a.pk in permissions.agency_ids(request.user)]
    return own[0] if len(own) == 1 else None


@login_required
@planned
def losses(request: HttpRequest) -> HttpResponse:
    province = _viewer(request)
    period = _period(request)
    ps = period_reports.scores_for(SCHEME, period, province_code=province)
    focus = _focus(request, ps, province)
    table: dict[str, dict[str, Any]] = {}
    for g_spec in ps.spec.groups:
        for m_spec in g_spec.metrics:
            if not m_spec.max_points:
                continue
            table[m_spec.code] = {
                "group": g_spec,
                "metric": m_spec,
                "lost": 0.0,
                "agencies": 0,
                "worst": [],
                # a metric not scored or without data for an agency loses its whole maximum:
                # the engine adds 0 for it and the total stays out of 100 (cchc.indices.points)
                "unscored": 0.0,
                "unscored_agencies": 0,
                "no_data_agencies": 0,
                "focus": None,
            }
    caps: dict[str, dict[str, Any]] = {
        g.code: {"group": g, "above_cap": 0.0, "agencies": 0} for g in ps.spec.groups
    }
    scored_total = 0.0
    for a in ps.agencies:
        scored_total += ps.scores[a.pk].total
        for g in points.account(ps.spec, ps.scores[a.pk]):
            if g.above_cap:
                caps[g.code]["above_cap"] += g.above_cap
                caps[g.code]["agencies"] += 1
            for m in g.metrics:
                row = table.get(m.code)
                if row is None:
                    continue
                if focus is not None and a.pk == focus.pk:
                    row["focus"] = m
                if m.unscored:
                    row["unscored"] += m.unscored
                    row["unscored_agencies"] += 1
                    row["no_data_agencies"] += m.reason == points.NO_DATA
                elif m.lost > 0:
                    row["lost"] += m.lost
                    row["agencies"] += 1
                    row["worst"].append((m.lost, a))
    rows = sorted(table.values(), key=lambda r: -(r["lost"] + r["unscored"]))
    for r in rows:
        r["lost"] = round(r["lost"], 2)
        r["unscored"] = round(r["unscored"], 2)
        # each of the worst agencies links to the dossiers behind its lost points (the
        # metric's evidence) when the viewer may see them, else to the agency's page
        r["worst"] = [
            {"agency": a, "lost": lost, "evidence": _may_see_evidence(request.user, a)}
            for lost, a in sorted(r["worst"], key=lambda x: -x[0])[:3]
        ]
    cap_rows = [
        {**c, "above_cap": round(c["above_cap"], 2), "note": _cap_note_sum(c["group"])}
        for c in caps.values()
        if round(c["above_cap"], 2)
    ]
    maximum = round(ps.spec.max_points * len(ps.agencies), 2)
    balance = {
        "maximum": maximum,
        "scored": round(scored_total, 2),
        "lost": round(maximum - scored_total, 2),
        "agencies": len(ps.agencies),
        "each": ps.spec.max_points,
    }
    if fmt := _export(request):
        headers = [
            _("Group"),
            _("Metric"),
            _("Code"),
            _("Points lost (sum over agencies)"),
            _("Agencies losing points"),
            _("Points of metrics not scored or without data"),
            _("Agencies not scored or without data"),
        ]
        data: list[list[Any]] = [
            [
                r["group"].label,
                r["metric"].label,
                r["metric"].code,
                r["lost"],
                r["agencies"],
                r["unscored"],
                r["unscored_agencies"],
            ]
            for r in rows
        ]
        data += [
            [c["group"].label, c["note"], "", -c["above_cap"], c["agencies"], "", ""]
            for c in cap_rows
        ]
        return table_response(
            fmt,
            _("Where we lose the most points — %(p)s") % {"p": period.label},
            headers,
            data,
            [_losses_balance_note(balance), *_closed_notes(ps)],
        )
    return render(
        request,
        "indices/losses.html",
        _common(
            request,
            period,
            ps,
            rows=rows,
            cap_rows=cap_rows,
            balance=balance,
            balance_note=_losses_balance_note(balance),
            province=province,
            focus=focus,
            focus_evidence=focus is not None and _may_see_evidence(request.user, focus),
        ),
    )


def _cap_note_sum(group: Any) -> str:
    """The cap line of the losses page: the group's metrics add up to more than its maximum."""
    return _(
        "Above the cap of “%(g)s”: its metrics add up to %(sum)s points, the group counts at "
        "most %(max)s (not lost)."
    ) % {
        "g": group.label,
        "sum": score2(sum(m.max_points for m in group.metrics)),
        "max": score2(group.max_points),
    }


def _losses_balance_note(balance: dict[str, Any]) -> str:
    return _(
        "%(n)s agencies × %(each)s = %(max)s points: %(scored)s scored, %(lost)s lost "
        "(metrics' losses + points of metrics not scored or without data − points above "
        "a group's cap)."
    ) % {
        "n": balance["agencies"],
        "each": score2(balance["each"]),
        "max": score2(balance["maximum"]),
        "scored": score2(balance["scored"]),
        "lost": score2(balance["lost"]),
    }
