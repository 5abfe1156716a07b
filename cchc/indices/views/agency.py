"""One agency's scores of a period, point by point (every point of the 100 accounted for),
and the evidence behind one of its metrics: the dossiers, procedures or petitions counted."""

from __future__ import annotations

import json
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.defaultfilters import floatformat
from django.utils.translation import gettext as _

from cchc.accounts import permissions
from cchc.agencies.models import Agency
from cchc.core.calendar import fmt as fmt_local
from cchc.indices import counters, points, scoring
from cchc.indices import reports as period_reports
from cchc.indices.engine import MetricScore, derivation, spec_from_version
from cchc.indices.export import table_response
from cchc.indices.models import PeriodReport
from cchc.indices.templatetags.scores import score2
from cchc.indices.views._shared import (
    SCHEME,
    _closed_notes,
    _common,
    _export,
    _period,
    _trend,
    _trend_text,
    _viewer,
    planned,
)


def _may_see_evidence(user: Any, agency: Agency) -> bool:
    return permissions.sees_whole_province(
        user, agency.province_code
    ) or agency.pk in permissions.agency_ids(user)


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
            [
                _("Total: %(t)s / %(max)s")
                % {"t": score2(s.total), "max": floatformat(ps.spec.max_points, "-2")},
                *_agency_closed_notes(ps, agency),
            ],
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
            # "30th" says little without "of 30": the units ranked in the agency's own group
            ranked_in_group=sum(
                1
                for a in ps.agencies
                if a.group_id == agency.group_id and ps.ranks.get(a.pk) is not None
            ),
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
                # what the rows are, with their count: the "missing" list is the denominator's
                # records outside the numerator (the late dossiers of the on-time metric), and
                # the denominator's label alone read as if the file held all of them
                _("In “%(num)s”: %(n)s of %(d)s.")
                % {
                    "num": counters.describe(metric_spec.numerator),
                    "n": ev.numerator_count,
                    "d": ev.denominator_count,
                }
                if which == "numerator"
                else _("Counted in “%(den)s” but not in “%(num)s”: %(n)s of %(d)s.")
                % {
                    "den": counters.describe(metric_spec.denominator),
                    "num": counters.describe(metric_spec.numerator),
                    "n": ev.missing_count,
                    "d": ev.denominator_count,
                },
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
            # last, so the columns before keep their places in sheets read by position
            _("Procedure name"),
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
                f.procedure.name,
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
