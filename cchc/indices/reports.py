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
from cchc.core.errors import NotPermitted, TransitionNotAllowed, ValidationFailed
from cchc.indices.models import (
    PeriodReport,
    Restatement,
)
from cchc.indices.periods import Period
from cchc.indices.scoring import period_scores, reportable, version_for


def period_document(
    scheme_code: str, period: Period, *, province_code: str = "", live: bool = False
) -> dict[str, Any]:
    """The interchange.md §2 document; a closed period returns its frozen figures."""
    reportable(period, scheme_code)
    if not live:
        version = version_for(scheme_code, period)
        report = PeriodReport.objects.filter(
            version=version, period=str(period), province_code=province_code
        ).first()
        if report is not None:
            return report.document
    return period_scores(scheme_code, period, province_code=province_code).document()


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
        raise TransitionNotAllowed(_("Period %(p)s has not ended yet.") % {"p": period})
    version = version_for(scheme_code, period)
    if (
        PeriodReport.objects.select_for_update()
        .filter(version=version, period=str(period), province_code=province_code)
        .exists()
    ):
        raise TransitionNotAllowed(
            _("Period %(p)s is already closed; restate it with a reason instead.") % {"p": period}
        )
    event_id, at = watermark()
    return PeriodReport.objects.create(
        version=version,
        period=str(period),
        province_code=province_code,
        closed_by=actor,
        document=period_scores(scheme_code, period, province_code=province_code).document(),
        watermark_event_id=event_id,
        watermark_at=at,
    )


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
    Restatement.objects.create(
        report=report,
        reason=reason,
        previous_document=report.document,
        previous_watermark_event_id=report.watermark_event_id,
        actor=actor,
    )
    period = Period.parse(report.period)
    report.document = period_scores(
        report.version.scheme.code, period, province_code=report.province_code
    ).document()
    report.watermark_event_id, report.watermark_at = watermark()
    report.restated += 1
    report.save(update_fields=["document", "watermark_event_id", "watermark_at", "restated"])
    return report
