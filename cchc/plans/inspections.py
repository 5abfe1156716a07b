"""Every write on inspections and findings (domain.md §11), locked and evented.

The closed loop: a finding creates a corrective task for the responsible unit (at the
conclusion notice for an inspection's findings, at once for a finding raised straight from a
dossier, petition, evaluation or metric); the unit completes the task with evidence; the
re-inspection closes the finding on that evidence (verifying the task) or reopens it
(sending the task back).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cchc.agencies.models import Agency
from cchc.core import events
from cchc.core.actors import recorded_by, require_actor
from cchc.core.errors import NotPermitted, TransitionNotAllowed, ValidationFailed
from cchc.core.identifiers import next_code
from cchc.plans import policies, services, subjects
from cchc.plans.inspection_models import (
    ChecklistResult,
    Finding,
    FindingEvent,
    FindingStatus,
    Inspection,
    InspectionEvent,
    InspectionPlan,
    InspectionStatus,
    Severity,
)
from cchc.plans.models import OutputType, SourceKind, TaskStatus
from cchc.plans.rules import plan_rules


def _require_inspector(actor: Any) -> None:
    if not policies.can_inspect(actor):
        raise NotPermitted(_("Only inspectors and Home Affairs can do this."))


def _ievent(insp: Inspection, action: str, actor: Any, to_status: str = "", **kw: Any) -> None:
    kw["at"] = services.event_time(kw.get("at"))  # the demo's `services.recorded_at`
    events.append_transition(
        InspectionEvent, insp, action=action, actor=actor, to_status=to_status, **kw
    )


def _fevent(f: Finding, action: str, actor: Any, to_status: str = "", **kw: Any) -> None:
    kw["at"] = services.event_time(kw.get("at"))
    events.append_transition(FindingEvent, f, action=action, actor=actor, to_status=to_status, **kw)


def _checklist(items: Any) -> list[dict[str, str]]:
    if not isinstance(items, list) or not items:
        raise ValidationFailed(_("The checklist needs at least one content."), field="checklist")
    out, seen = [], set()
    for i, item in enumerate(items, 1):
        if isinstance(item, str):
            item = {"code": f"C{i:02d}", "label": item}
        code, label = str(item.get("code", "")).strip(), str(item.get("label", "")).strip()
        if not code or not label or code in seen:
            raise ValidationFailed(
                _("Each checklist content needs a unique code and a label."), field="checklist"
            )
        seen.add(code)
        out.append({"code": code, "label": label})
    return out


@transaction.atomic
def create_inspection_plan(
    *, actor: Any, code: str, year: int, title: str, checklist: Any, issuing_document: str = ""
) -> InspectionPlan:
    require_actor(actor)
    _require_inspector(actor)
    if InspectionPlan.objects.filter(code=code).exists():
        raise ValidationFailed(
            _("An inspection plan with code %(code)s exists.") % {"code": code}, field="code"
        )
    return InspectionPlan.objects.create(
        code=code,
        year=year,
        title=title,
        issuing_document=issuing_document,
        checklist=_checklist(checklist),
        **recorded_by(actor),
    )


@transaction.atomic
def schedule_inspection(
    *,
    actor: Any,
    agency: Agency,
    scheduled_on: dt.date,
    plan: InspectionPlan | None = None,
    checklist: Any = None,
    team: Sequence[Any] = (),
    period_from: dt.date | None = None,
    period_to: dt.date | None = None,
    code: str = "",
) -> Inspection:
    """A planned inspection (from the plan's checklist) or, without a plan, a surprise one."""
    require_actor(actor)
    _require_inspector(actor)
    if period_from and period_to and period_to < period_from:
        raise ValidationFailed(
            _("The period under inspection ends on %(to)s, before it starts on %(from)s.")
            % {"to": period_to.strftime("%d/%m/%Y"), "from": period_from.strftime("%d/%m/%Y")},
            field="period_to",
        )
    if period_from and period_from > scheduled_on:
        raise ValidationFailed(
            _("The period under inspection cannot start after the inspection (%(day)s).")
            % {"day": scheduled_on.strftime("%d/%m/%Y")},
            field="period_from",
        )
    # An inspection may be entered after it took place (a date in the past); the unit must
    # exist on that day, or be carried on by one successor then.
    agency = services.resolve_agency(agency, scheduled_on, field="agency")
    items = _checklist(checklist if checklist else (plan.checklist if plan else None))
    code = code or next_code("KT", scheduled_on.year, Inspection, width=4)
    if Inspection.objects.filter(code=code).exists():
        raise ValidationFailed(
            _("An inspection with code %(code)s exists.") % {"code": code}, field="code"
        )
    insp = Inspection.objects.create(
        code=code,
        plan=plan,
        surprise=plan is None,
        agency=agency,
        scheduled_on=scheduled_on,
        period_from=period_from,
        period_to=period_to,
        checklist=items,
    )
    insp.team.set([u for u in team if getattr(u, "pk", None)])
    _ievent(
        insp,
        "schedule",
        actor,
        to_status=InspectionStatus.PLANNED,
        data={"surprise": plan is None, "agency": agency.code},
        save=["status"],
    )
    return insp


@transaction.atomic
def upload_self_report(
    inspection: Inspection, *, actor: Any, file: UploadedFile, note: str = ""
) -> Inspection:
    """The inspected unit's self-inspection report, sent beforehand."""
    require_actor(actor)
    insp = events.lock(inspection)
    if not policies.may_report_remediation(actor, insp.agency_id):
        raise NotPermitted(
            _("Only staff of the inspected unit can upload its self-inspection report.")
        )
    if not insp.is_before_visit:
        raise TransitionNotAllowed(_("The inspection has already taken place."))
    if file is None:
        raise ValidationFailed(_("Attach the report."), field="file")
    services.check_files([file], field="file")
    insp.self_report = file
    _ievent(
        insp,
        "self_report",
        actor,
        to_status=InspectionStatus.SELF_REPORTED,
        note=note,
        data={"file": file.name},
        save=["self_report", "status"],
    )
    return insp


@transaction.atomic
def record_inspection(
    inspection: Inspection,
    *,
    actor: Any,
    results: dict[str, dict[str, Any]],
    inspected_on: dt.date | None = None,
) -> Inspection:
    """The inspection record: every checklist content pass / fail / not applicable, with notes
    and photos. `results`: item code → {"result", "note", "photo"}."""
    require_actor(actor)
    _require_inspector(actor)
    insp = events.lock(inspection)
    if not insp.is_before_visit:
        raise TransitionNotAllowed(_("The inspection record has already been made."))
    day = inspected_on or timezone.localdate()
    missing = [i["label"] for i in insp.checklist if i["code"] not in results]
    if missing:
        raise ValidationFailed(
            _("No result for: %(items)s") % {"items": "; ".join(missing)}, field="results"
        )
    for item in insp.checklist:
        r = results[item["code"]]
        if r.get("result") not in ChecklistResult.Result.values:
            raise ValidationFailed(
                _("Choose pass, fail or not applicable for %(i)s.") % {"i": item["label"]},
                field="results",
            )
        services.check_files([r.get("photo")], field=f"photo_{item['code']}")
    # every result and photo checked before the first photo is written to storage
    for item in insp.checklist:
        r = results[item["code"]]
        ChecklistResult.objects.create(
            inspection=insp,
            item_code=item["code"],
            label=item["label"][:300],
            result=r["result"],
            note=r.get("note", ""),
            photo=r.get("photo") or "",
        )
    insp.inspected_on = day
    failed = sum(1 for r in results.values() if r.get("result") == "FAIL")
    _ievent(
        insp,
        "record",
        actor,
        to_status=InspectionStatus.RECORDED,
        data={"on": day.isoformat(), "failed": failed},
        save=["inspected_on", "status"],
    )
    return insp


def _finding_code(year: int) -> str:
    return next_code("PH", year, Finding, width=5)


@transaction.atomic
def raise_finding(
    *,
    actor: Any,
    severity: str,
    description: str,
    agency: Agency | None = None,
    inspection: Inspection | None = None,
    evidence: str = "",
    responsible_person: str = "",
    subject_kind: str = "",
    subject_ref: str = "",
    found_on: dt.date | None = None,
) -> Finding:
    """A finding of an inspection, or raised straight from a dossier, petition, evaluation or
    index drill-down (then a corrective task is assigned at once)."""
    require_actor(actor)
    _require_inspector(actor)
    if severity not in Severity.values:
        raise ValidationFailed(_("Choose the severity."), field="severity")
    if not (description or "").strip():
        raise ValidationFailed(_("Describe the finding."), field="description")
    day = found_on or timezone.localdate()
    if inspection is not None:
        inspection = events.lock(inspection)
        if not inspection.accepts_findings:
            raise TransitionNotAllowed(
                _("Findings are recorded with the inspection, before its conclusion.")
            )
        agency = inspection.agency
    subject = subjects.resolve(subject_kind, subject_ref, agency_code=agency.code if agency else "")
    if agency is None and subject.get("agency_code"):
        agency = Agency.objects.filter(code=subject["agency_code"]).first()
    if agency is None:
        raise ValidationFailed(_("Name the unit responsible."), field="agency")
    finding = Finding.objects.create(
        inspection=inspection,
        code=_finding_code(day.year),
        agency=agency,
        severity=severity,
        description=description.strip(),
        evidence=evidence,
        responsible_person=responsible_person,
        subject_kind=subject_kind,
        subject_ref=subject_ref.strip(),
        found_on=day,
    )
    _fevent(
        finding,
        "raise",
        actor,
        to_status=FindingStatus.OPEN,
        data={
            "subject": [subject_kind, subject_ref],
            "inspection": inspection.code if inspection else None,
        },
        save=True,
    )
    if inspection is not None:
        _ievent(inspection, "finding", actor, data={"finding": finding.code}, save=True)
    else:
        days = int(plan_rules(day)["remediation_days"])
        _corrective_task(finding, actor, day, day + dt.timedelta(days=days))
    return finding


def _corrective_task(finding: Finding, actor: Any, on: dt.date, due: dt.date) -> None:
    task = services.assign_task(
        actor=actor,
        title=_("Remedy finding %(code)s: %(text)s")
        % {"code": finding.code, "text": finding.description[:300]},
        source_document=(
            _("Inspection conclusion %(code)s") % {"code": finding.inspection.code}
            if finding.inspection is not None
            else _("Finding %(code)s") % {"code": finding.code}
        ),
        source_kind=SourceKind.INSPECTION,
        lead_agency=finding.agency,
        assigned_on=on,
        deadline=due,
        output_type=OutputType.REMEDIATION,
        expected_result=_("Remediation report with evidence"),
        evidence_required=True,
    )
    finding.corrective_task = task
    _fevent(
        finding,
        "corrective_task",
        actor,
        data={"task": task.code, "deadline": due.isoformat()},
        save=["corrective_task"],
    )


@transaction.atomic
def conclude(
    inspection: Inspection,
    *,
    actor: Any,
    conclusion: str,
    concluded_on: dt.date | None = None,
    remediation_days: int | None = None,
) -> Inspection:
    """The conclusion notice: sets the remediation deadline (rule data, 15 days by default)
    and assigns a corrective task per finding to the inspected unit."""
    require_actor(actor)
    _require_inspector(actor)
    insp = events.lock(inspection)
    if not insp.accepts_findings:
        raise TransitionNotAllowed(_("Only a recorded inspection can be concluded."))
    if not (conclusion or "").strip():
        raise ValidationFailed(_("Write the conclusion."), field="conclusion")
    day = concluded_on or timezone.localdate()
    if insp.inspected_on and day < insp.inspected_on:
        raise ValidationFailed(
            _("The conclusion cannot precede the inspection."), field="concluded_on"
        )
    rules = plan_rules(day)
    days = remediation_days if remediation_days is not None else int(rules["remediation_days"])
    if days < 1:
        raise ValidationFailed(
            _("The remediation period is at least one day."), field="remediation_days"
        )
    longest = int(rules["remediation_max_days"])
    if days > longest:
        raise ValidationFailed(
            _("The remediation period is at most %(n)s days.") % {"n": longest},
            field="remediation_days",
        )
    insp.conclusion = conclusion.strip()
    insp.concluded_on = day
    insp.remediation_due = day + dt.timedelta(days=days)
    _ievent(
        insp,
        "conclude",
        actor,
        to_status=InspectionStatus.CONCLUDED,
        data={"remediation_due": insp.remediation_due.isoformat(), "days": days},
        save=["conclusion", "concluded_on", "remediation_due", "status", "search_text"],
    )
    for finding in Finding.objects.filter(
        inspection=insp, corrective_task__isnull=True
    ).select_related("inspection"):
        finding = events.lock(finding)
        _corrective_task(finding, actor, day, insp.remediation_due)
    return insp


@transaction.atomic
def reinspect_finding(
    finding: Finding, *, actor: Any, closed: bool, note: str = "", on: dt.date | None = None
) -> Finding:
    """Re-inspection (tái kiểm tra) of one finding: closed on the corrective task's evidence,
    or reopened (the task goes back to the unit)."""
    require_actor(actor)
    _require_inspector(actor)
    finding = events.lock(finding)
    if finding.is_closed:
        raise TransitionNotAllowed(
            _("Finding %(code)s is already closed.") % {"code": finding.code}
        )
    task = finding.corrective_task
    if task is None:
        raise TransitionNotAllowed(
            _("The finding has no corrective task yet: conclude the inspection first.")
        )
    if closed:
        if task.completed_on is None:
            raise TransitionNotAllowed(
                _("The corrective task %(code)s has no completion with evidence yet.")
                % {"code": task.code}
            )
        if task.status == TaskStatus.SUBMITTED:
            services.verify(task, actor=actor, note=note or _("Verified at re-inspection"))
    elif task.status == TaskStatus.SUBMITTED:
        services.send_back(task, actor=actor, reason=note or _("Reopened at re-inspection"))
    _fevent(
        finding,
        "reinspect",
        actor,
        to_status=FindingStatus.CLOSED if closed else FindingStatus.REOPENED,
        note=note,
        data={"on": (on or timezone.localdate()).isoformat(), "task": task.code},
        save=["status"],
    )
    if finding.inspection is not None:
        insp = events.lock(finding.inspection)
        if (
            not insp.findings.exclude(status=FindingStatus.CLOSED)
            .exclude(pk=finding.pk)
            .filter(status=FindingStatus.OPEN)
            .exists()
            and insp.status == InspectionStatus.CONCLUDED
        ):
            _ievent(
                insp, "reinspect", actor, to_status=InspectionStatus.REINSPECTED, save=["status"]
            )
    return finding
