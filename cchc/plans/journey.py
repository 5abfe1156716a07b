"""A unit's journey through the closed loop (issue 15.7): what citizens reported or rated
badly → what inspectors found → what was assigned → what was done → what the index shows
since. Read-only counts from the owning modules' rows, by unit and year."""

from __future__ import annotations

from typing import Any

from cchc.agencies.models import Agency
from cchc.core.errors import DomainError
from cchc.plans.inspection_models import Finding, FindingStatus
from cchc.plans.models import Task


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


LIST_LIMIT = 50  # rows per step on the journey page (the counts are over all of them)


def journey_page(agency: Agency, *, year: int) -> dict[str, Any]:
    """The journey with its rows, step by step: the petitions and low ratings of the year,
    each finding with what it is about, its corrective task and what the unit did (the
    completion's result and evidence, the files), and whether re-inspection closed it."""
    from cchc.dossiers.models import Evaluation
    from cchc.feedback.models import Petition
    from cchc.plans import subjects
    from cchc.plans.models import TaskEvent

    counts = journey(agency, year=year)
    petitions = (
        Petition.objects.filter(agency=agency, received_at__year=year)
        .only("code", "title", "status", "received_at")
        .order_by("-received_at")[:LIST_LIMIT]
    )
    low_ratings = (
        Evaluation.objects.filter(
            dossier__competent_agency=agency, created_at__year=year, satisfaction__lte=2
        )
        .select_related("dossier")
        .order_by("-created_at")[:LIST_LIMIT]
    )
    findings = list(
        Finding.objects.filter(agency=agency, found_on__year=year)
        .select_related("corrective_task", "inspection")
        .order_by("found_on", "code")[:LIST_LIMIT]
    )
    task_ids = [f.corrective_task_id for f in findings if f.corrective_task_id]
    completions: dict[int, TaskEvent] = {}
    for ev in TaskEvent.objects.filter(task_id__in=task_ids, action="complete").order_by("seq"):
        completions[ev.task_id] = ev  # the latest completion (a task sent back completes again)
    files: dict[int, int] = {}
    for tid in Task.objects.filter(pk__in=task_ids).values_list("files__task_id", flat=True):
        if tid:
            files[tid] = files.get(tid, 0) + 1
    rows = []
    for f in findings:
        try:
            subject = subjects.resolve(f.subject_kind, f.subject_ref, agency_code=agency.code)
        except DomainError:
            subject = {"label": f.subject_ref, "url": ""}
        done = completions.get(f.corrective_task_id or 0)
        link = str((done.data or {}).get("evidence_link", "")) if done else ""
        rows.append(
            {
                "finding": f,
                "subject": subject,
                "task": f.corrective_task,
                "result": done.note if done else "",
                # a link is shown only as a web address (imports and the API may carry others)
                "evidence_link": link if link.startswith(("https://", "http://")) else "",
                "files": files.get(f.corrective_task_id or 0, 0),
            }
        )
    return {**counts, "petitions_list": petitions, "low_ratings_list": low_ratings, "rows": rows}


# The unit's Decision 766 figures the journey ends on: how on time its dossiers and
# petitions were handled and how satisfied its applicants were, per quarter.
INDEX_MEASURES = ("dossiers_on_time", "petitions_on_time", "dossier_satisfaction")


def index_since(agency: Agency, *, year: int, today: Any = None) -> list[dict[str, Any]]:
    """The unit's 766 figures per quarter of the year, up to today, one row per measure (the
    last step of the journey; loaded apart from the page, as it scores the province's
    quarters). Read through the indices' measures API, never its tables."""
    from django.utils import timezone

    from cchc.indices.measures import available, measure

    today = today or timezone.localdate()
    labels = available()
    periods = [
        f"{year}-Q{q}" for q in range(1, 5) if (year, q) <= (today.year, (today.month - 1) // 3 + 1)
    ]
    out = []
    for name in INDEX_MEASURES:
        cells = []
        for period in periods:
            try:
                m = measure(name, agency_code=agency.code, period=period)
                cells.append({"period": period, "value": m.value, "url": m.evidence_url})
            except DomainError:
                cells.append({"period": period, "value": None, "url": ""})
        out.append({"name": name, "label": labels.get(name, name), "periods": cells})
    return out
