"""A unit's journey through the closed loop (issue 15.7): what citizens reported or rated
badly → what inspectors found → what was assigned → what was done → what the index shows
since. Read-only counts from the owning modules' rows, by unit and year."""

from __future__ import annotations

from typing import Any

from cchc.agencies.models import Agency
from cchc.core.errors import DomainError
from cchc.plans.models import Finding, FindingStatus, Task


def journey(agency: Agency, *, year: int) -> dict[str, Any]:
    from cchc.dossiers.models import Evaluation
    from cchc.feedback.models import Petition

    petitions = Petition.objects.filter(agency=agency, received_at__year=year)
    low_ratings = Evaluation.objects.filter(
        dossier__competent_agency=agency, created_at__year=year, satisfaction__lte=2
    )
    findings = Finding.objects.filter(agency=agency, found_on__year=year)
    corrective = Task.objects.filter(findings__in=findings).distinct()
    return {
        "petitions": petitions.count(),
        "low_ratings": low_ratings.count(),
        "findings": findings.count(),
        "findings_closed": findings.filter(status=FindingStatus.CLOSED).count(),
        "findings_list": list(findings.select_related("corrective_task").order_by("found_on")[:50]),
        "corrective_tasks": corrective.count(),
        "corrective_done": corrective.filter(completed_on__isnull=False).count(),
    }


def index_since(agency: Agency, *, year: int, today: Any = None) -> list[dict[str, Any]]:
    """The unit's on-time rate of dossiers per quarter of the year, up to today (the last
    step of the journey; loaded apart from the page, as it scores the province's quarter)."""
    from django.utils import timezone

    from cchc.indices.measures import measure

    today = today or timezone.localdate()
    out = []
    for q in range(1, 5):
        period = f"{year}-Q{q}"
        if (year, q) > (today.year, (today.month - 1) // 3 + 1):
            break
        try:
            m = measure("dossiers_on_time", agency_code=agency.code, period=period)
            out.append({"period": period, "value": m.value, "url": m.evidence_url})
        except DomainError:
            out.append({"period": period, "value": None, "url": ""})
    return out
