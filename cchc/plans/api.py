"""/api/v1/plans/: tasks, their life and the report, on the platform's API (same auth, same
JSON errors as /api/v1/dossiers). Every write goes through `cchc.plans.services`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, Literal

from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from cchc.accounts.models import User
from cchc.agencies.models import Agency
from cchc.core.api import ERRORS, IsoDate, paginate
from cchc.core.errors import NotPermitted, ValidationFailed
from cchc.plans import policies, reports, services
from cchc.plans import status as st
from cchc.plans.models import Extension, Plan, Task

router = Router(tags=["plans"])
MAX_PAGE_SIZE = 100


class TaskOut(Schema):
    code: str
    title: str
    source_document: str
    source_kind: str
    lead_agency: str
    co_agencies: list[str]
    observer_agencies: list[str]
    parent: str | None
    output_type: str
    assigned_on: dt.date
    deadline: dt.date
    deadline_in_force: dt.date
    completed_on: dt.date | None
    workflow_status: str
    status: str | None
    progress: int | None
    progress_source: str


class TaskPage(Schema):
    count: int
    page: int
    page_size: int
    num_pages: int
    items: list[TaskOut]


class TaskIn(Schema):
    title: str = Field(..., max_length=500)
    source_document: str = Field(..., max_length=200)
    source_kind: str = "PLAN"
    lead_agency: str
    co_agencies: list[str] = []
    observer_agencies: list[str] = []
    assigned_on: IsoDate
    deadline: IsoDate
    code: str = ""
    parent: str | None = None
    plan: str | None = None
    output_type: str = "REPORT"
    expected_result: str = ""
    evidence_required: bool = True
    recurrence: Literal["", "MONTHLY", "QUARTERLY"] = ""
    measure_name: str = ""
    measure_target: float | None = None
    measure_period: str = ""


class NoteIn(Schema):
    note: str = ""


class ProgressIn(Schema):
    text: str
    percent: int | None = Field(None, ge=0, le=100)
    # asked only when the percentage is lower than the last report (services.report_progress)
    lowered_reason: str = Field("", max_length=300)


class CompleteIn(Schema):
    result: str
    evidence_link: str = ""
    completed_on: IsoDate | None = None


class SendBackIn(Schema):
    reason: str


class ExtensionIn(Schema):
    new_deadline: IsoDate
    reason: str


class DecisionIn(Schema):
    approve: bool
    note: str = ""


class ExtensionOut(Schema):
    id: int
    task: str
    requested_on: dt.date
    new_deadline: dt.date
    reason: str
    approved: bool | None
    decided_on: dt.date | None


class TaskFilters(Schema):
    q: str = Field("", max_length=200)
    agency: str | None = None
    source_document: str | None = None
    status: Literal["done_on_time", "done_late", "within_deadline", "overdue"] | None = None
    as_of: IsoDate | None = None
    page: int = Field(1, ge=1, le=100000)
    page_size: int = Field(25, ge=1, le=MAX_PAGE_SIZE)


def _by_code(model: Any, code: str, field: str, missing: str) -> Any:
    """The record a payload names by code, or a refusal on that field (`missing` % code)."""
    found = model.objects.filter(code=code).first()
    if found is None:
        raise ValidationFailed(missing % {"code": code}, field=field)
    return found


def _agency(code: str, field: str) -> Agency:
    return _by_code(Agency, code, field, _("Unknown unit %(code)s."))


def _out(task: Task, as_of: dt.date) -> dict[str, Any]:
    progress = services.progress_of(task)
    return {
        "code": task.code,
        "title": task.title,
        "source_document": task.source_document,
        "source_kind": task.source_kind,
        "lead_agency": task.lead_agency.code,
        "co_agencies": [a.code for a in task.co_agencies.all()],
        "observer_agencies": [a.code for a in task.observer_agencies.all()],
        "parent": task.parent.code if task.parent else None,
        "output_type": task.output_type,
        "assigned_on": task.assigned_on,
        "deadline": task.deadline,
        "deadline_in_force": task.deadline_in_force,
        "completed_on": task.completed_on,
        "workflow_status": task.status,
        "status": st.task_status(task, as_of),
        "progress": progress["percent"],
        "progress_source": progress["source"],
    }


def _caller(request: HttpRequest) -> User:
    """The user the API authenticated (django-ninja sets `request.auth`)."""
    user: User = request.auth  # type: ignore[attr-defined]
    return user


def _qs() -> Any:
    return Task.objects.select_related("lead_agency", "parent").prefetch_related(
        "co_agencies", "observer_agencies", "extensions", "children"
    )


def _get(request: HttpRequest, code: str) -> Task:
    task = _qs().visible_to(_caller(request)).filter(code=code).first()
    if task is None:
        raise Http404(_("No task %(code)s.") % {"code": code})
    return task


@router.get("/tasks", response={200: TaskPage, **ERRORS})
def list_tasks(request: HttpRequest, filters: Query[TaskFilters]) -> Any:
    """Tasks visible to the caller; `status` filters by the national vocabulary as of `as_of`."""
    as_of = filters.as_of or timezone.localdate()
    qs = _qs().visible_to(_caller(request)).order_by("deadline_in_force", "code")
    if filters.q:
        qs = qs.search(filters.q)
    if filters.agency:
        qs = qs.filter(lead_agency__code=filters.agency)
    if filters.source_document:
        qs = qs.filter(source_document=filters.source_document)
    if filters.status == st.OVERDUE and filters.as_of is None:
        qs = qs.overdue(as_of)
    elif filters.status:
        ids = [
            r["id"] for r, s in reports.classify(reports._rows(qs), as_of) if s == filters.status
        ]
        qs = qs.filter(pk__in=ids)
    items, meta = paginate(qs, filters.page, filters.page_size)
    return {**meta, "items": [_out(t, as_of) for t in items]}


@router.post("/tasks", response={201: TaskOut, **ERRORS})
def create_task(request: HttpRequest, payload: TaskIn) -> Any:
    parent = (
        _by_code(Task, payload.parent, "parent", _("No task %(code)s.")) if payload.parent else None
    )
    plan = _by_code(Plan, payload.plan, "plan", _("No plan %(code)s.")) if payload.plan else None
    task = services.assign_task(
        actor=_caller(request),
        code=payload.code,
        title=payload.title,
        source_document=payload.source_document,
        source_kind=payload.source_kind,
        lead_agency=_agency(payload.lead_agency, "lead_agency"),
        co_agencies=[_agency(c, "co_agencies") for c in payload.co_agencies],
        observer_agencies=[_agency(c, "observer_agencies") for c in payload.observer_agencies],
        assigned_on=payload.assigned_on,
        deadline=payload.deadline,
        parent=parent,
        plan=plan,
        output_type=payload.output_type,
        expected_result=payload.expected_result,
        evidence_required=payload.evidence_required,
        recurrence=payload.recurrence,
        measure_name=payload.measure_name,
        measure_target=payload.measure_target,
        measure_period=payload.measure_period,
    )
    return Status(201, _out(_qs().get(pk=task.pk), timezone.localdate()))


@router.get("/tasks/{code}", response={200: TaskOut, **ERRORS})
def get_task(request: HttpRequest, code: str) -> Any:
    return _out(_get(request, code), timezone.localdate())


def _step(request: HttpRequest, code: str, step: Callable[..., Task], **payload: Any) -> Any:
    """One of the task's workflow steps by the caller, answered with the task as it now is."""
    task = step(_get(request, code), actor=_caller(request), **payload)
    return _out(_qs().get(pk=task.pk), timezone.localdate())


@router.post("/tasks/{code}/acknowledge", response={200: TaskOut, **ERRORS})
def acknowledge(request: HttpRequest, code: str, payload: NoteIn) -> Any:
    return _step(request, code, services.acknowledge, note=payload.note)


@router.post("/tasks/{code}/progress", response={200: TaskOut, **ERRORS})
def progress(request: HttpRequest, code: str, payload: ProgressIn) -> Any:
    # the payload's fields are the service's keyword arguments
    return _step(request, code, services.report_progress, **payload.model_dump())


@router.post("/tasks/{code}/complete", response={200: TaskOut, **ERRORS})
def complete(request: HttpRequest, code: str, payload: CompleteIn) -> Any:
    return _step(
        request,
        code,
        services.complete,
        result=payload.result,
        evidence_link=payload.evidence_link,
        completed_on=payload.completed_on,
    )


@router.post("/tasks/{code}/verify", response={200: TaskOut, **ERRORS})
def verify(request: HttpRequest, code: str, payload: NoteIn) -> Any:
    return _step(request, code, services.verify, note=payload.note)


@router.post("/tasks/{code}/send-back", response={200: TaskOut, **ERRORS})
def send_back(request: HttpRequest, code: str, payload: SendBackIn) -> Any:
    return _step(request, code, services.send_back, reason=payload.reason)


def _ext_out(e: Extension) -> dict[str, Any]:
    return {
        "id": e.pk,
        "task": e.task.code,
        "requested_on": e.requested_on,
        "new_deadline": e.new_deadline,
        "reason": e.reason,
        "approved": e.approved,
        "decided_on": e.decided_on,
    }


@router.post("/tasks/{code}/extensions", response={201: ExtensionOut, **ERRORS})
def request_extension(request: HttpRequest, code: str, payload: ExtensionIn) -> Any:
    ext = services.request_extension(
        _get(request, code),
        actor=_caller(request),
        new_deadline=payload.new_deadline,
        reason=payload.reason,
    )
    return Status(201, _ext_out(ext))


@router.post("/extensions/{ext_id}/decide", response={200: ExtensionOut, **ERRORS})
def decide_extension(request: HttpRequest, ext_id: int, payload: DecisionIn) -> Any:
    ext = Extension.objects.select_related("task").filter(pk=ext_id).first()
    if ext is None or not policies.can_see_task(_caller(request), ext.task):
        raise Http404(_("No extension request %(id)s.") % {"id": ext_id})
    ext = services.decide_extension(
        ext, actor=_caller(request), approve=payload.approve, note=payload.note
    )
    return _ext_out(ext)


@router.get("/report", response={200: dict[str, Any], **ERRORS})
def report(request: HttpRequest, as_of: IsoDate | None = None) -> Any:
    """The interchange.md §7 document (Home Affairs, inspectors)."""
    if not policies.can_see_all(_caller(request)):
        raise NotPermitted(_("Only Home Affairs and inspectors see the province's report."))
    return reports.report_tasks(as_of or timezone.localdate())


# -- inspections and findings -------------------------------------------------------------------
class FindingIn(Schema):
    severity: Literal["LOW", "MEDIUM", "HIGH"]
    description: str = Field(..., max_length=5000)
    subject_kind: Literal["", "dossier", "petition", "evaluation", "metric"] = ""
    subject_ref: str = Field("", max_length=120)
    agency: str | None = None
    evidence: str = ""
    responsible_person: str = Field("", max_length=200)


class FindingOut(Schema):
    code: str
    agency: str
    severity: str
    description: str
    subject_kind: str
    subject_ref: str
    status: str
    inspection: str | None
    corrective_task: str | None
    found_on: dt.date


class InspectionOut(Schema):
    code: str
    agency: str
    surprise: bool
    scheduled_on: dt.date
    status: str
    remediation_due: dt.date | None
    findings: list[FindingOut]


def _finding_out(f: Any) -> dict[str, Any]:
    return {
        "code": f.code,
        "agency": f.agency.code,
        "severity": f.severity,
        "description": f.description,
        "subject_kind": f.subject_kind,
        "subject_ref": f.subject_ref,
        "status": f.status,
        "inspection": f.inspection.code if f.inspection_id else None,
        "corrective_task": f.corrective_task.code if f.corrective_task_id else None,
        "found_on": f.found_on,
    }


@router.post("/findings", response={201: FindingOut, **ERRORS})
def raise_finding(request: HttpRequest, payload: FindingIn) -> Any:
    """A finding raised straight from a dossier, petition, evaluation or index metric (by
    code); a corrective task is assigned to the responsible unit at once."""
    from cchc.plans import inspections

    finding = inspections.raise_finding(
        actor=_caller(request),
        severity=payload.severity,
        description=payload.description,
        subject_kind=payload.subject_kind,
        subject_ref=payload.subject_ref,
        agency=_agency(payload.agency, "agency") if payload.agency else None,
        evidence=payload.evidence,
        responsible_person=payload.responsible_person,
    )
    return Status(201, _finding_out(finding))


@router.get("/inspections/{code}", response={200: InspectionOut, **ERRORS})
def get_inspection(request: HttpRequest, code: str) -> Any:
    from cchc.plans.inspection_models import Inspection

    insp = Inspection.objects.select_related("agency").filter(code=code).first()
    if insp is None or not policies.sees_agency(_caller(request), insp.agency_id):
        raise Http404(_("No inspection %(code)s.") % {"code": code})
    findings = insp.findings.select_related("agency", "corrective_task", "inspection")
    return {
        "code": insp.code,
        "agency": insp.agency.code,
        "surprise": insp.surprise,
        "scheduled_on": insp.scheduled_on,
        "status": insp.status,
        "remediation_due": insp.remediation_due,
        "findings": [_finding_out(f) for f in findings.order_by("code")],
    }
