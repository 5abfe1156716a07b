"""Period reports: the period document (frozen once closed), closing a period and restating
it, with their audit trail (province administrators only)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from cchc.accounts import permissions
from cchc.core import events
from cchc.core.errors import NotPermitted, TransitionNotAllowed, ValidationFailed
from cchc.indices.models import (
    PeriodReport,
    PeriodReportEvent,
    Restatement,
)
from cchc.indices.periods import Period
from cchc.indices.scoring import (
    FrozenScores,
    PeriodScores,
    period_scores,
    reportable,
    version_for,
)


def closed_report(scheme_code: str, period: Period, province_code: str) -> PeriodReport | None:
    version = version_for(scheme_code, period)
    return (
        PeriodReport.objects.filter(
            version=version, period=str(period), province_code=province_code
        )
        .select_related("closed_by")
        .first()
    )


def with_frozen(
    scheme_code: str, live: list[PeriodScores], province_code: str
) -> list[PeriodScores]:
    """Each period's scores, frozen from its report where the period is closed."""
    if not live:
        return live
    reports = {
        (r.version_id, r.period): r
        for r in PeriodReport.objects.filter(
            province_code=province_code,
            period__in=[str(ps.period) for ps in live],
            version__scheme__code=scheme_code,
        ).select_related("closed_by")
    }
    out: list[PeriodScores] = []
    for ps in live:
        report = reports.get((ps.version.pk, str(ps.period)))
        out.append(FrozenScores(ps, report) if report is not None else ps)
    return out


def scores_for(scheme_code: str, period: Period, *, province_code: str) -> PeriodScores:
    """What pages and exports show of a period: its frozen figures once it is closed (with the
    live computation kept alongside), the live computation before."""
    live = period_scores(scheme_code, period, province_code=province_code)
    return with_frozen(scheme_code, [live], province_code)[0]


def period_document(
    scheme_code: str, period: Period, *, province_code: str = "", live: bool = False
) -> dict[str, Any]:
    """The interchange.md §2 document; a closed period returns its frozen figures, marked
    `"frozen": true`, with the closing time and each agency's live difference."""
    reportable(period, scheme_code)
    if live:
        return period_scores(scheme_code, period, province_code=province_code).document()
    return scores_for(scheme_code, period, province_code=province_code).document()


def _frozen_counters(ps: PeriodScores) -> dict[str, dict[str, int]]:
    return {a.code: dict(ps.counters[a.pk]) for a in ps.agencies}


def watermark() -> tuple[int, dt.datetime | None]:
    from cchc.dossiers.models import DossierEvent

    agg = DossierEvent.objects.aggregate(id=Max("pk"), at=Max("recorded_at"))
    return int(agg["id"] or 0), agg["at"]


def _check_province_admin(actor: Any, province_code: str) -> None:
    if not permissions.is_province_admin(actor, province_code or None):
        raise NotPermitted(
            _("Only the province's administrator may close or restate a reporting period.")
        )


@transaction.atomic
def close_period(
    *, actor: Any, scheme_code: str, period: Period, province_code: str
) -> PeriodReport:
    """Freeze a period: the figures, the methodology version and the data watermark."""
    _check_province_admin(actor, province_code)
    reportable(period, scheme_code)
    if period.end_at > timezone.now():
        raise TransitionNotAllowed(_("Period %(p)s has not ended yet.") % {"p": period.label})
    version = version_for(scheme_code, period)
    if (
        PeriodReport.objects.select_for_update()
        .filter(version=version, period=str(period), province_code=province_code)
        .exists()
    ):
        raise TransitionNotAllowed(
            _("Period %(p)s is already closed; restate it with a reason instead.")
            % {"p": period.label}
        )
    event_id, at = watermark()
    live = period_scores(scheme_code, period, province_code=province_code)
    report = PeriodReport.objects.create(
        version=version,
        period=str(period),
        province_code=province_code,
        closed_by=actor,
        document=live.document(),
        counters=_frozen_counters(live),
        watermark_event_id=event_id,
        watermark_at=at,
    )
    report = events.lock(report)
    events.append_event(
        PeriodReportEvent,
        report,
        action="close",
        actor=actor,
        data={"period": str(period), "watermark_event_id": event_id},
        save=True,
    )
    return report


@transaction.atomic
def restate_period(*, actor: Any, report: PeriodReport, reason: str) -> PeriodReport:
    """Replace a closed period's figures with today's computation, recording why and by whom."""
    _check_province_admin(actor, report.province_code)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(_("Please give the reason for the restatement."), field="reason")
    report = (
        PeriodReport.objects.select_for_update().select_related("version__scheme").get(pk=report.pk)
    )
    period = Period.parse(report.period)
    live = period_scores(report.version.scheme.code, period, province_code=report.province_code)
    after = live.document()
    Restatement.objects.create(
        report=report,
        reason=reason,
        previous_document=report.document,
        previous_watermark_event_id=report.watermark_event_id,
        new_document=after,
        actor=actor,
    )
    before_totals = {r["code"]: r["total"] for r in report.document.get("agencies", [])}
    report.document, report.counters = after, _frozen_counters(live)
    report.watermark_event_id, report.watermark_at = watermark()
    report.restated += 1
    events.append_event(
        PeriodReportEvent,
        report,
        action="restate",
        actor=actor,
        note=reason,
        data={
            "restatement": report.restated,
            "changed_totals": {
                r["code"]: [before_totals.get(r["code"]), r["total"]]
                for r in after["agencies"]
                if before_totals.get(r["code"]) != r["total"]
            },
        },
        save=["document", "counters", "watermark_event_id", "watermark_at", "restated"],
    )
    return report
