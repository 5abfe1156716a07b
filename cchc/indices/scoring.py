"""Scores and rankings of every agency for a period, computed live from the summaries by the
scheme in force (`period_scores`, `period_scores_many` for a trend)."""

from __future__ import annotations

import datetime as dt
import functools
from collections import defaultdict
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from cchc.core.db import unprepared
from cchc.core.errors import ValidationFailed
from cchc.core.validity import in_force_on, is_in_force
from cchc.indices.engine import (
    AgencyScore,
    GroupScore,
    MetricScore,
    SchemeSpec,
    score_agency,
    spec_from_version,
)
from cchc.indices.models import (
    ProvinceIndexSetting,
    SchemeVersion,
)
from cchc.indices.periods import Period
from cchc.indices.summaries import (
    period_counters_many,
)


def _num(value: float) -> float | int:
    return int(value) if float(value).is_integer() else value


def version_for(scheme_code: str, period: Period) -> SchemeVersion:
    try:
        return SchemeVersion.objects.select_related("scheme").in_force(scheme_code, period.end)
    except SchemeVersion.DoesNotExist as exc:
        raise ValidationFailed(
            _("No methodology of scheme %(s)s is in force for %(p)s.")
            % {"s": scheme_code, "p": period.label}
        ) from exc


class UnreportablePeriod(ValidationFailed):
    """A period the index cannot report on: malformed, not started yet, or before the
    methodology in force. `message` is user-facing (translated)."""


def reportable(
    period: Period | str, scheme_code: str | None, *, today: dt.date | None = None
) -> Period:
    """The period, if the index can report on it: well formed (2026, 2026-Q3, 2026-08), already
    started, and under a methodology version of `scheme_code` in force (None: the scheme's own
    module checks its methodology). Every page and command that takes a period calls this.
    """
    try:
        parsed = period if isinstance(period, Period) else Period.parse(period)
    except ValidationFailed as exc:
        raise UnreportablePeriod(exc.message, field="period") from exc
    today = today or timezone.localdate()
    if parsed.start > today:
        raise UnreportablePeriod(
            _("Period %(p)s has not started yet: there are no figures for it.")
            % {"p": parsed.label},
            field="period",
        )
    if scheme_code is not None:
        try:
            version_for(scheme_code, parsed)
        except ValidationFailed as exc:
            first = (
                SchemeVersion.objects.filter(
                    scheme__code=scheme_code, status=SchemeVersion.Status.ACTIVE
                )
                .order_by("valid_from")
                .values_list("valid_from", flat=True)
                .first()
            )
            if first is None or parsed.end >= first:
                raise UnreportablePeriod(exc.message, field="period") from exc
            raise UnreportablePeriod(
                _(
                    "Period %(p)s is before the methodology took effect on %(d)s: "
                    "choose a period from then on."
                )
                % {"p": parsed, "d": first.strftime("%d/%m/%Y")},
                field="period",
            ) from exc
    return parsed


def agencies_for(period: Period, province_code: str = "", until: Period | None = None) -> list[Any]:
    """Agencies that existed at some time from the period's start to `until`'s end."""
    from cchc.agencies.models import Agency

    end = (until or period).end
    start = min(period.start, (until or period).start)
    qs = Agency.objects.filter(in_force_on(start, until=end))
    if province_code:
        qs = qs.filter(province_code=province_code)
    return list(qs.select_related("group").order_by("code"))


def rank(entries: list[tuple[int, Any, float, int]], min_dossiers: int) -> dict[int, int | None]:
    """Competition ranking ("1, 2, 2, 4") of (agency_id, group, total, dossiers) within each
    group; agencies with fewer dossiers than `min_dossiers` are not ranked (None)."""
    out: dict[int, int | None] = {}
    by_group: dict[Any, list[tuple[int, float]]] = defaultdict(list)
    for agency_id, group, total, dossiers in entries:
        if dossiers < min_dossiers:
            out[agency_id] = None
        else:
            by_group[group].append((agency_id, round(total, 2)))
    for members in by_group.values():
        members.sort(key=lambda m: -m[1])
        previous, position = None, 0
        for index, (agency_id, total) in enumerate(members, start=1):
            if total != previous:
                position, previous = index, total
            out[agency_id] = position
    return out


class PeriodScores:
    """Scores of every agency for one period (live), with counters kept for evidence."""

    frozen = False

    def __init__(
        self,
        spec: SchemeSpec,
        version: SchemeVersion,
        period: Period,
        agencies: list[Any],
        counters: dict[int, dict[str, int | None]],
        min_dossiers: int,
    ):
        self.spec, self.version, self.period, self.agencies = spec, version, period, agencies
        self.counters = counters
        self.scores: dict[int, AgencyScore] = {
            a.pk: score_agency(spec, counters[a.pk]) for a in agencies
        }
        self.ranks = rank(
            [
                (a.pk, a.group_id, self.scores[a.pk].total, counters[a.pk].get("received") or 0)
                for a in agencies
            ],
            min_dossiers,
        )

    @functools.cached_property
    def province(self) -> AgencyScore:
        """The province row: every agency's counters added up, scored like one agency."""
        total: dict[str, int | None] = {}
        for c in self.counters.values():
            for k, v in c.items():
                # no data (None) in every agency stays no data for the province
                total[k] = v if total.get(k) is None else (total[k] or 0) + (v or 0)
        return score_agency(self.spec, total)

    def live_difference(self, agency_id: int) -> float | None:
        return None

    @property
    def province_live_difference(self) -> float | None:
        return None

    def document(self) -> dict[str, Any]:
        rows = []
        for a in self.agencies:
            s = self.scores[a.pk]
            rows.append(
                {
                    "code": a.code,
                    "name": a.name,
                    "group": a.group.name if a.group_id else "",
                    "total": s.total,
                    "rank": self.ranks.get(a.pk),
                    "groups": {
                        g.code: {
                            "score": g.score,
                            "max": _num(g.max_points),
                            "metrics": {
                                m.code: {
                                    "numerator": m.numerator,
                                    "denominator": m.denominator,
                                    "score": m.score,
                                    "max": _num(m.max_points),
                                }
                                for m in g.metrics
                            },
                        }
                        for g in s.groups
                    },
                }
            )
        return {
            "scheme": self.spec.scheme,
            "version": self.spec.version,
            "period": str(self.period),
            # every scheme's document says whether its figures are frozen (a closed period's
            # document overrides this, ClosedPeriodScores.document)
            "frozen": False,
            "agencies": rows,
        }


def period_scores(
    scheme_code: str, period: Period, *, province_code: str = "", now: dt.datetime | None = None
) -> PeriodScores:
    return period_scores_many(scheme_code, [period], province_code=province_code, now=now)[0]


def period_scores_many(
    scheme_code: str,
    periods: list[Period],
    *,
    province_code: str = "",
    now: dt.datetime | None = None,
) -> list[PeriodScores]:
    """Scores of several periods (a trend) with the counters read once for all of them.
    Periods without a methodology in force are left out."""
    with unprepared():
        return _period_scores_many(scheme_code, periods, province_code=province_code, now=now)


def _period_scores_many(
    scheme_code: str, periods: list[Period], *, province_code: str, now: dt.datetime | None
) -> list[PeriodScores]:
    versions = {}
    for p in periods:
        try:
            versions[p] = version_for(scheme_code, p)
        except ValidationFailed:
            if len(periods) == 1:
                raise
    if not versions:
        return []
    kept = [p for p in periods if p in versions]
    specs = {v.pk: spec_from_version(v) for v in {v.pk: v for v in versions.values()}.values()}
    first = specs[versions[kept[-1]].pk]
    everyone = agencies_for(kept[0], province_code, until=kept[-1])
    agencies_by_period = {
        p: [a for a in everyone if is_in_force(a.valid_from, a.valid_to, p.start, until=p.end)]
        for p in kept
    }
    agency_ids = sorted({a.pk for agencies in agencies_by_period.values() for a in agencies})
    counters = period_counters_many(
        kept,
        agency_ids,
        publish_within_days=int(first.params.get("publish_within_days", 5)),
        now=now,
    )
    min_dossiers = ProvinceIndexSetting.for_province(province_code).min_dossiers_to_rank
    return [
        PeriodScores(
            specs[versions[p].pk], versions[p], p, agencies_by_period[p], counters[p], min_dossiers
        )
        for p in kept
    ]


def _score_from_row(spec: SchemeSpec, row: dict[str, Any]) -> AgencyScore:
    """An agency's scores as a closed period's document recorded them (interchange.md §2)."""
    groups = []
    for g_spec in spec.groups:
        g = row.get("groups", {}).get(g_spec.code, {})
        metrics = []
        for m_spec in g_spec.metrics:
            m = g.get("metrics", {}).get(m_spec.code, {})
            num, den = m.get("numerator"), m.get("denominator")
            # a metric recorded without counts nor score had no data when the period closed
            no_data = bool(m) and num is None and den is None and m.get("score") is None
            metrics.append(
                MetricScore(
                    m_spec.code,
                    num,
                    den,
                    m.get("score"),
                    m_spec.max_points,
                    num / den if num is not None and den else None,
                    no_data,
                )
            )
        groups.append(
            GroupScore(g_spec.code, g.get("score", 0.0), g_spec.max_points, tuple(metrics))
        )
    return AgencyScore(row.get("total", 0.0), tuple(groups))


class FrozenScores(PeriodScores):
    """A closed period: the figures frozen in its report (`PeriodReport`), read instead of the
    live computation, which is kept apart (`live`) so that pages can show the difference."""

    frozen = True

    def __init__(self, live: PeriodScores, report: Any):
        rows = {r["code"]: r for r in report.document.get("agencies", [])}
        self.spec, self.version, self.period = live.spec, live.version, live.period
        self.report, self.live = report, live
        self.agencies = [a for a in live.agencies if a.code in rows]
        kept = report.counters or {}
        # reports closed before counters were frozen with them fall back to today's counters
        self.counters = {a.pk: kept.get(a.code) or live.counters[a.pk] for a in self.agencies}
        self.scores = {a.pk: _score_from_row(live.spec, rows[a.code]) for a in self.agencies}
        self.ranks = {a.pk: rows[a.code].get("rank") for a in self.agencies}

    def live_difference(self, agency_id: int) -> float | None:
        """Today's total minus the frozen one (None when they agree)."""
        live = self.live.scores.get(agency_id)
        if live is None:
            return None
        return round(live.total - self.scores[agency_id].total, 2) or None

    @property
    def province_live_difference(self) -> float | None:
        return round(self.live.province.total - self.province.total, 2) or None

    def document(self) -> dict[str, Any]:
        differences = {
            a.code: d for a in self.agencies if (d := self.live_difference(a.pk)) is not None
        }
        return {
            **self.report.document,
            "frozen": True,
            "closed_at": self.report.closed_at.isoformat(),
            "restated": self.report.restated,
            "live_difference": differences,
        }


def reportable_periods(
    scheme_code: str, *, today: dt.date | None = None
) -> dict[str, list[Period]]:
    """What a period picker offers: every month, quarter and year from the month the
    methodology of `scheme_code` took effect to the last finished one, newest first, each
    accepted by `reportable` (so the picker never offers a period a page would refuse). Years
    too: the province publishes and closes its annual result, and a year offered nowhere
    could be neither looked at nor closed from a page."""
    today = today or timezone.localdate()
    first = (
        SchemeVersion.objects.filter(scheme__code=scheme_code, status=SchemeVersion.Status.ACTIVE)
        .order_by("valid_from")
        .values_list("valid_from", flat=True)
        .first()
    )
    out: dict[str, list[Period]] = {"quarter": [], "month": [], "year": []}
    if first is None:
        return out
    for kind in out:
        number = {"quarter": (first.month - 1) // 3 + 1, "month": first.month, "year": 0}[kind]
        start = Period(first.year, kind, number)
        p = start
        while p.end < today:
            try:
                out[kind].append(reportable(p, scheme_code, today=today))
            except UnreportablePeriod:
                pass
            p = p.next()
        out[kind].reverse()
    return out
