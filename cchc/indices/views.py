"""Index dashboards (thin views: figures come from scoring, reports and summaries).

Who sees what: province administrators and inspectors see their province; staff see the
province's scores and the evidence (dossier lists) of their own agencies only; the public
transparency page shows per-agency scores and on-time rates, no personal data, no login.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections import Counter
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Max, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cchc.accounts import permissions
from cchc.agencies.models import Agency
from cchc.core.calendar import fmt as fmt_local
from cchc.core.db import unprepared
from cchc.core.errors import DomainError
from cchc.indices import counters, points, reconcile, scoring
from cchc.indices import reports as period_reports
from cchc.indices.engine import MetricScore, derivation, spec_from_version
from cchc.indices.export import table_response
from cchc.indices.forms import PeriodPickerForm
from cchc.indices.models import PeriodReport, ProvinceIndexSetting
from cchc.indices.periods import Period, current
from cchc.indices.templatetags.scores import score2, score_formatter

SCHEME = "qd766"
HISTORY = 6
HISTORY_TTL = 60


# -- helpers ------------------------------------------------------------------------------------------
def planned(view):  # type: ignore[no-untyped-def]
    """Index pages plan their aggregates on every call (see cchc.core.db.unprepared), and answer
    a period they cannot report on with a 400 page that says why (never a 500)."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):  # type: ignore[no-untyped-def]
        try:
            with unprepared():
                return view(request, *args, **kwargs)
        except scoring.UnreportablePeriod as exc:
            return _bad_period(request, exc)

    return wrapper


def _bad_period(request: HttpRequest, exc: scoring.UnreportablePeriod) -> HttpResponse:
    return render(
        request,
        "indices/bad_period.html",
        {
            "message": exc.message,
            "asked": request.GET.get("period", "") or request.POST.get("period", ""),
            "period_text": str(current("quarter")),
        },
        status=400,
    )


def _period(request: HttpRequest) -> Period:
    """The period asked for (default: the current quarter); UnreportablePeriod if the index
    cannot report on it (see `scoring.reportable`)."""
    text = request.GET.get("period", "")
    return scoring.reportable(text or current("quarter"), SCHEME)


def _province_of(user: Any) -> str:
    if getattr(user, "province_code", ""):
        return user.province_code
    ids = permissions.agency_ids(user)
    agency = Agency.objects.filter(pk__in=ids).first() if ids else None
    return agency.province_code if agency else ""


def _default_province() -> str:
    codes = Counter(Agency.objects.values_list("province_code", flat=True))
    return codes.most_common(1)[0][0] if codes else ""


def _viewer(request: HttpRequest) -> str:
    """The province the signed-in viewer may see; 403 for citizens."""
    user = request.user
    if not (
        user.is_superuser
        or permissions.is_staff_member(user)
        or user.kind in ("PROVINCE_ADMIN", "INSPECTOR")
    ):  # type: ignore[union-attr]
        raise PermissionDenied(
            _("The index dashboards are for staff, province administrators and inspectors.")
        )
    if user.is_superuser:
        return request.GET.get("province") or _default_province()
    return _province_of(user)


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


def _may_see_evidence(user: Any, agency: Agency) -> bool:
    return permissions.sees_whole_province(
        user, agency.province_code
    ) or agency.pk in permissions.agency_ids(user)


def _export(request: HttpRequest) -> str:
    fmt = request.GET.get("export", "")
    return fmt if fmt in ("xlsx", "pdf") else ""


def _summary(ps: scoring.PeriodScores) -> dict[str, Any]:
    """What a trend needs of one period: small numbers only (cheap to cache)."""
    prov = ps.province
    # a period without a dossier is a gap in a trend (null), not a score: its 16 points of
    # procedure and petition metrics and 0 for progress drew a false jump
    received = {a: (c.get("received") or 0) for a, c in ps.counters.items()}
    province_data = any(received.values())
    return {
        "label": str(ps.period),
        "period_label": ps.period.label,
        "province_total": prov.total if province_data else None,
        "province_groups": {g.code: g.score if province_data else None for g in prov.groups},
        "total": {a: s.total if received.get(a) else None for a, s in ps.scores.items()},
        "rank": dict(ps.ranks),
        "metric": {
            a: {m.code: m.score if received.get(a) else None for g in s.groups for m in g.metrics}
            for a, s in ps.scores.items()
        },
    }


def _trend(period: Period, province: str) -> tuple[scoring.PeriodScores, list[dict[str, Any]]]:
    """The period's live scores, and the summaries of it and up to HISTORY - 1 periods before
    (those under a methodology in force), oldest first. Earlier periods are cached for
    HISTORY_TTL seconds; the period shown is always computed live from the summaries."""
    closed = PeriodReport.objects.filter(province_code=province).aggregate(
        n=Max("pk"), r=Sum("restated")
    )
    key = f"indices:trend:v2:{SCHEME}:{province}:{period}:{closed['n']}:{closed['r']}"
    past = cache.get(key)
    if past is None:
        out = scoring.period_scores_many(SCHEME, period.history(HISTORY), province_code=province)
        out = period_reports.with_frozen(SCHEME, out, province)
        if not out or out[-1].period != period:
            raise DomainError(
                _("No methodology of scheme %(s)s is in force for %(p)s.")
                % {"s": SCHEME, "p": period.label}
            )
        past = [_summary(ps) for ps in out[:-1]]
        cache.set(key, past, HISTORY_TTL)
        ps = out[-1]
    else:
        ps = period_reports.scores_for(SCHEME, period, province_code=province)
    return ps, [*past, _summary(ps)]


def _cap_note(g: points.GroupPoints) -> str:
    """Why a group's maximum is below the sum of its metrics' maxima (empty if it is not)."""
    if g.metrics_max <= g.max_points:
        return ""
    return _(
        "Group total, capped: its metrics add up to %(sum)s points, the group counts at most "
        "%(max)s; %(above)s points above the cap are not lost."
    ) % {
        "sum": score2(g.metrics_max),
        "max": score2(g.max_points),
        "above": score2(g.above_cap),
    }


def _trend_text(trend: list[dict[str, Any]], values: list[Any]) -> str:
    """A trend line's values in words, for a screen reader (the sparkline's aria-label):
    "Tháng 7/2026: không có dữ liệu; Tháng 8/2026: 29,79"."""
    fmt2 = score_formatter()
    no_data = _("no data")
    return "; ".join(
        f"{t['period_label']}: {no_data if v is None else fmt2(v)}"
        for t, v in zip(trend, values, strict=True)
    )


def _group_names(ps: scoring.PeriodScores) -> list[tuple[str, str, float]]:
    return [(g.code, g.label, g.max_points) for g in ps.spec.groups]


def _closed(ps: scoring.PeriodScores | None) -> dict[str, Any] | None:
    """What a page says of a closed period: its figures are frozen, and by how much the live
    figures now differ."""
    if ps is None or not isinstance(ps, scoring.FrozenScores):
        return None
    report = ps.report
    return {
        "at": report.closed_at,
        "by": report.closed_by.display_name if report.closed_by else "",
        "restated": report.restated,
        "province_difference": ps.province_live_difference,
        "live_province_total": ps.live.province.total,
    }


def _closed_notes(ps: scoring.PeriodScores) -> list[str]:
    """The export's lines saying the figures are frozen, with the live difference."""
    closed = _closed(ps)
    if closed is None:
        return []
    notes = [
        _("Frozen figures of a closed period (closed %(at)s by %(who)s, restated %(n)s times).")
        % {"at": fmt_local(closed["at"]), "who": closed["by"], "n": closed["restated"]}
    ]
    if closed["province_difference"] is not None:
        notes.append(
            _("Live figures differ: province total %(live)s, difference %(d)s points.")
            % {
                "live": score2(closed["live_province_total"]),
                "d": score2(closed["province_difference"]),
            }
        )
    return notes


def period_choices(shown: Period | None = None) -> list[tuple[str, list[Period]]]:
    """The period picker's option groups (quarters, then months, newest first: see
    `scoring.reportable_periods`), with the period shown added when it is not among them
    (the current quarter, still running, or a year). Cached per day and methodology."""
    from django.utils import timezone

    from cchc.indices.models import SchemeVersion

    today = timezone.localdate()
    versions = SchemeVersion.objects.filter(scheme__code=SCHEME).values_list(
        "pk", "valid_from", "valid_to", "status"
    )
    signature = hashlib.sha256(repr(list(versions.order_by("pk"))).encode()).hexdigest()[:16]
    key = f"indices:periods:{SCHEME}:{today}:{signature}"
    found = cache.get(key)
    if found is None:
        found = scoring.reportable_periods(SCHEME, today=today)
        cache.set(key, found, 3600)
    groups = [(_("Quarters"), list(found["quarter"])), (_("Months"), list(found["month"]))]
    if shown is not None and not any(shown in periods for _n, periods in groups):
        groups.insert(0, (_("Period shown"), [shown]))
    return [(name, periods) for name, periods in groups if periods]


def _common(
    request: HttpRequest,
    period: Period,
    ps: scoring.PeriodScores | None = None,
    **extra: Any,
) -> dict[str, Any]:
    return {
        "period": period,
        "period_text": str(period),
        "period_form": PeriodPickerForm(period_choices(period), period),
        "scheme": SCHEME,
        "closed": _closed(ps),
        "ps": ps,
        **extra,
    }


def _group_key(agency: Agency) -> tuple[int, int, str]:
    """Ranking groups in their own order (RankingGroup.order, then name); no group last."""
    if not agency.group_id:
        return (1, 0, "")
    return (0, agency.group.order, agency.group.name)


def _group_name(agency: Agency) -> str:
    return agency.group.name if agency.group_id else _("(no group)")


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
            [_("Province total"), prov.total, 100],
            *[[names[g.code], g.score, g.max_points] for g in prov.groups],
        ]
        data += [[t["period_label"], t["province_total"], 100] for t in trend[:-1]]
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
                "cells": mark_safe("".join(f"<td>{fmt2(g.score)}</td>" for g in s.groups)),  # noqa: S308 - numbers only
            }
        )
    for rows in tables.values():
        rows.sort(key=lambda r: (r["rank"] is None, r["rank"] or 0, r["agency"].code))
    # units below the minimum sample are listed apart, not at the bottom of a ranking
    unranked = sorted(
        (r for rows in tables.values() for r in rows if r["rank"] is None),
        key=lambda r: r["agency"].code,
    )
    group_heads = [name for _c, name, _m in _group_names(ps)]
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
            group_heads=group_heads,
            previous=prev["period_label"] if prev else "—",
            min_dossiers=setting.min_dossiers_to_rank,
            labels=json.dumps([t["period_label"] for t in trend]),
        ),
    )


# -- one agency --------------------------------------------------------------------------------------------
@login_required
@planned
def agency_detail(request: HttpRequest, code: str) -> HttpResponse:
    province = _viewer(request)
    agency = get_object_or_404(Agency, code=code)
    if agency.province_code != province and not request.user.is_superuser:
        raise PermissionDenied(_("This agency is not in your province."))
    period = _period(request)
    ps, trend = _trend(period, province)
    if agency.pk not in ps.scores:
        raise PermissionDenied(_("This agency did not exist in the period."))
    s = ps.scores[agency.pk]
    rows = []
    # every point of the 100 is shown: a metric not scored or without data loses its whole
    # maximum (the engine adds 0 for it), and a group's subtotal shows its cap (the metrics of
    # a group may add up to more than the group's maximum)
    accounts = points.account(ps.spec, s)
    group_rows = []
    for g_spec, g, g_points in zip(ps.spec.groups, s.groups, accounts, strict=True):
        for m_spec, m, m_points in zip(g_spec.metrics, g.metrics, g_points.metrics, strict=True):
            trend_points = [t["metric"].get(agency.pk, {}).get(m.code) for t in trend]
            rows.append(
                {
                    "group": g_spec,
                    "metric": m_spec,
                    "result": m,
                    "points": m_points,
                    "trend": json.dumps(trend_points),
                    "trend_text": _trend_text(trend, trend_points),
                    "lost": m_points.lost if m.score is not None else None,
                }
            )
        group_rows.append(
            {"group": g_spec, "points": g_points, "rows": rows, "cap_note": _cap_note(g_points)}
        )
        rows = []
    rows = [r for grp in group_rows for r in grp["rows"]]
    if fmt := _export(request):
        headers = [
            _("Group"),
            _("Metric"),
            _("Code"),
            _("Numerator"),
            _("Denominator"),
            _("Score"),
            _("Max"),
            _("Points lost"),
        ]
        data = []
        for grp in group_rows:
            for r in grp["rows"]:
                data.append(
                    [
                        r["group"].label,
                        r["metric"].label,
                        r["metric"].code,
                        r["result"].numerator,
                        r["result"].denominator,
                        _("No data — enter or import the figure")
                        if r["result"].no_data
                        else (r["result"].score if r["result"].score is not None else "—"),
                        r["metric"].max_points,
                        r["points"].lost + r["points"].unscored,
                    ]
                )
            g_points = grp["points"]
            data.append(
                [
                    grp["group"].label,
                    _cap_note(g_points) or _("Group total"),
                    "",
                    "",
                    "",
                    g_points.score,
                    g_points.max_points,
                    g_points.lost,
                ]
            )
        return table_response(
            fmt,
            f"{agency.code} {agency.name} — {period.label}",
            headers,
            data,
            [_("Total: %(t)s / 100") % {"t": score2(s.total)}, *_agency_closed_notes(ps, agency)],
        )
    return render(
        request,
        "indices/agency.html",
        _common(
            request,
            period,
            ps,
            live_difference=ps.live_difference(agency.pk),
            agency=agency,
            score=s,
            rows=rows,
            group_rows=group_rows,
            total_lost=round(ps.spec.max_points - s.total, 2),
            rank=ps.ranks.get(agency.pk),
            may_see_evidence=_may_see_evidence(request.user, agency),
            may_enter_figures=permissions.is_province_admin(request.user, province or None),
            labels=json.dumps([t["period_label"] for t in trend]),
            totals=json.dumps([t["total"].get(agency.pk) for t in trend]),
        ),
    )


# -- evidence ------------------------------------------------------------------------------------------
@login_required
@planned
def evidence(request: HttpRequest, code: str, metric: str) -> HttpResponse:
    _viewer(request)
    agency = get_object_or_404(Agency, code=code)
    if not _may_see_evidence(request.user, agency):
        raise PermissionDenied(_("You may see the evidence of your own agencies only."))
    period = _period(request)
    try:
        spec = spec_from_version(scoring.version_for(SCHEME, period))
        group, metric_spec = spec.metric(metric)
    except KeyError as exc:
        raise PermissionDenied(_("Unknown metric.")) from exc
    ev = counters.evidence(spec, metric, agency.pk, period)
    which = "numerator" if request.GET.get("which") == "numerator" else "missing"
    items = ev.numerator if which == "numerator" else ev.missing
    result = MetricScore(
        metric,
        ev.numerator_count,
        ev.denominator_count,
        ev.score,
        metric_spec.max_points,
        ev.numerator_count / ev.denominator_count if ev.denominator_count else None,
    )
    report = period_reports.closed_report(SCHEME, period, agency.province_code)
    frozen_metric = _frozen_metric(report, agency.code, group.code, metric) if report else None
    closed_notes = []
    if report is not None:
        closed_notes.append(
            _(
                "Period closed on %(at)s: frozen score %(f)s; the dossiers below are today's data "
                "(score now %(l)s)."
            )
            % {
                "at": fmt_local(report.closed_at),
                "f": score2((frozen_metric or {}).get("score")) or "—",
                "l": score2(result.score) or "—",
            }
        )
    if fmt := _export(request):
        headers, data = _evidence_table(ev.source, items)
        return table_response(
            fmt,
            f"{metric_spec.label} — {agency.code} — {period.label}",
            headers,
            data,
            [
                counters.describe(
                    metric_spec.numerator if which == "numerator" else metric_spec.denominator
                ),
                *closed_notes,
            ],
        )
    # the evidence already counted both lists: the paginator need not count again
    known = (
        ev.numerator_count if which == "numerator" else ev.denominator_count - ev.numerator_count
    )
    page = Paginator(_Counted(items, known), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "indices/evidence.html",
        _common(
            request,
            period,
            agency=agency,
            group=group,
            metric=metric_spec,
            ev=ev,
            which=which,
            page=page,
            result=result,
            lines=derivation(metric_spec, result, spec),
            numerator_label=counters.describe(metric_spec.numerator),
            denominator_label=counters.describe(metric_spec.denominator),
            closed_notes=closed_notes,
        ),
    )


def _frozen_metric(
    report: PeriodReport, code: str, group: str, metric: str
) -> dict[str, Any] | None:
    row = next((r for r in report.document.get("agencies", []) if r["code"] == code), None)
    if row is None:
        return None
    found: dict[str, Any] | None = row["groups"].get(group, {}).get("metrics", {}).get(metric)
    return found


def _agency_closed_notes(ps: scoring.PeriodScores, agency: Agency) -> list[str]:
    notes = _closed_notes(ps)[:1]
    difference = ps.live_difference(agency.pk)
    if notes and difference is not None:
        notes.append(
            _("Live figures differ: this agency's total now differs by %(d)s points.")
            % {"d": score2(difference)}
        )
    return notes


class _Counted:
    """A list or queryset whose length is already known."""

    def __init__(self, items: Any, count: int):
        self.items, self._count = items, count

    def count(self) -> int:
        return self._count

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, index: Any) -> Any:
        return self.items[index]


def _evidence_table(source: str, items: Any) -> tuple[list[str], list[list[Any]]]:
    if source == counters.DOSSIER:
        headers = [
            _("Dossier code"),
            _("Procedure"),
            _("Received"),
            _("Due"),
            _("End of processing"),
            _("Supplements"),
            _("Status"),
        ]
        rows = [
            [
                f.dossier.code,
                f.procedure.code,
                f.received_at,
                f.due_at or "",
                f.end_at or _("open"),
                f.supplement_count,
                f.dossier.get_status_display(),
            ]
            for f in items
        ]
    elif source == counters.PROCEDURE:
        headers = [_("Procedure code"), _("Procedure")]
        rows = [[p["code"], p["name"]] for p in items]
    else:
        headers = [_("Petition"), _("Category"), _("Received"), _("Due"), _("Handled")]
        rows = [
            [
                p.petition_id,
                p.category,
                p.received_at,
                p.due_at or "",
                p.handled_at or "",
            ]
            for p in items
        ]
    return headers, rows


# -- where we lose points ---------------------------------------------------------------------------------
@login_required
@planned
def losses(request: HttpRequest) -> HttpResponse:
    province = _viewer(request)
    period = _period(request)
    ps = period_reports.scores_for(SCHEME, period, province_code=province)
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
        r["worst"] = [a for _l, a in sorted(r["worst"], key=lambda x: -x[0])[:3]]
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


# -- public transparency page ---------------------------------------------------------------------------
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
            _closed_notes(ps),
        )
    return render(
        request,
        "indices/public.html",
        _common(
            request,
            period,
            ps,
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


# -- reconciliation with the national portal ----------------------------------------------------------
MAX_UPLOAD = 5 * 1024 * 1024


@login_required
@require_http_methods(["GET", "POST"])
def reconcile_upload(request: HttpRequest) -> HttpResponse:
    province = _viewer(request)
    if not permissions.is_province_admin(request.user, province or None):
        raise PermissionDenied(_("Only the province's administrator may reconcile portal reports."))
    from django.utils import timezone

    from cchc.indices.engine import load_spec

    spec = load_spec(SCHEME, timezone.localdate())
    checks, errors = [], []
    if request.method == "POST":
        files = request.FILES.getlist("files")
        if not files:
            errors.append(_("Choose at least one portal report file (.json)."))
        for upload in files[:20]:
            if upload.size > MAX_UPLOAD:
                errors.append(_("%(f)s is larger than 5 MB.") % {"f": upload.name})
                continue
            try:
                raw = json.loads(upload.read().decode("utf-8"))
                data = raw.get("data") if isinstance(raw, dict) else None
                if not isinstance(data, dict):
                    raise reconcile.PortalFileError(
                        _("%(file)s has no 'data' object: not a portal report.")
                        % {"file": upload.name}
                    )
                checks.append(reconcile.check_data(spec, data, upload.name))
            except (UnicodeDecodeError, json.JSONDecodeError):
                errors.append(_("%(f)s is not a readable JSON file.") % {"f": upload.name})
            except reconcile.PortalFileError as exc:
                errors.append(f"{upload.name}: {exc}")
    return render(
        request,
        "indices/reconcile.html",
        {
            "checks": checks,
            "errors": errors,
            "summary": reconcile.summarise(spec, checks) if checks else [],
            "tolerance": reconcile.TOLERANCE,
            "spec": spec,
        },
    )


# -- closing periods ----------------------------------------------------------------------------------
@login_required
@require_http_methods(["GET", "POST"])
def periods(request: HttpRequest) -> HttpResponse:
    province = _viewer(request)
    if request.method == "POST":
        try:
            if request.POST.get("report"):
                report = get_object_or_404(
                    PeriodReport, pk=request.POST["report"], province_code=province
                )
                period_reports.restate_period(
                    actor=request.user, report=report, reason=request.POST.get("reason", "")
                )
                messages.success(request, _("The period was restated."))
            else:
                period = scoring.reportable(request.POST.get("period", ""), SCHEME)
                period_reports.close_period(
                    actor=request.user, scheme_code=SCHEME, period=period, province_code=province
                )
                messages.success(
                    request,
                    _("Period %(p)s is closed: its figures are frozen.") % {"p": period.label},
                )
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect("indices:periods")
    reports = (
        PeriodReport.objects.filter(province_code=province)
        .select_related("version__scheme", "closed_by")
        .prefetch_related("restatements__actor")
        .order_by("-period")
    )
    closed = {r.period for r in reports}
    return render(
        request,
        "indices/periods.html",
        {
            "reports": reports,
            "may_close": permissions.is_province_admin(request.user, province or None),
            # only periods still open: a closed one is restated, not closed again
            "period_form": PeriodPickerForm(
                [
                    (name, [p for p in periods if str(p) not in closed])
                    for name, periods in period_choices()
                ]
            ),
        },
    )
