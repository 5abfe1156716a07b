"""Every write on plans and tasks: one keyword-only function per action, locked and evented.

Each function checks the permission and the transition, locks the task row, appends a
`TaskEvent` naming the actor, and updates the derived columns (status, deadline in force,
completion date, progress). Nothing is edited in place: a changed deadline is an approved
extension, a revoked completion is a "sent back" event.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cchc.agencies.models import Agency
from cchc.core import events
from cchc.core.actors import actor_label, recorded_by, require_actor
from cchc.core.errors import NotPermitted, TransitionNotAllowed, ValidationFailed
from cchc.core.identifiers import next_code as _next_code
from cchc.core.text import fold
from cchc.core.uploads import check_upload
from cchc.plans import policies
from cchc.plans.models import (
    Extension,
    OutputType,
    Plan,
    Recurrence,
    SourceKind,
    Task,
    TaskEvent,
    TaskFile,
    TaskStatus,
)


def today() -> dt.date:
    return timezone.localdate()


# -- plans -------------------------------------------------------------------------------------
@transaction.atomic
def create_plan(
    *,
    actor: Any,
    code: str,
    year: int,
    title: str,
    issuing_document: str,
    issued_on: dt.date | None = None,
    issued_by: Agency | None = None,
    targets: list[dict[str, Any]] | None = None,
) -> Plan:
    require_actor(actor)
    if not policies.can_assign(actor):
        raise NotPermitted(_("Only Home Affairs or the leaders' office can issue a plan."))
    if Plan.objects.filter(code=code).exists():
        raise ValidationFailed(
            _("A plan with code %(code)s exists.") % {"code": code}, field="code"
        )
    problems = [
        _("Target %(n)s: %(problem)s") % {"n": n, "problem": problem}
        for n, target in enumerate(targets or [], 1)
        if (problem := target_problem(target))
    ]
    if problems:
        raise ValidationFailed(" ".join(problems), field="targets")
    return Plan.objects.create(
        code=code,
        year=year,
        title=title,
        issuing_document=issuing_document,
        issued_on=issued_on,
        issued_by=issued_by,
        targets=targets or [],
        **recorded_by(actor),
    )


def target_problem(target: Any) -> str | None:
    """What is wrong with one target of a plan ({"label", "measure", "target"}), or None.

    A target names what it aims at; it may be followed on a platform measure
    (`cchc.indices.measures`, a percentage), and then it needs the percentage to reach."""
    from cchc.indices.measures import available

    if not isinstance(target, dict) or not str(target.get("label") or "").strip():
        return _("each target needs a label.")
    measure, value = target.get("measure") or "", target.get("target")
    if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)):
        return _("the target is a number.")
    if not measure:
        return None
    names = available()
    if measure not in names:
        return _("there is no measure %(m)s; the measures are: %(names)s.") % {
            "m": measure,
            "names": ", ".join(sorted(names)),
        }
    if value is None or not 0 <= value <= 100:
        return _("a target on the measure %(m)s is a percentage between 0 and 100.") % {
            "m": measure
        }
    return None


# -- helpers -----------------------------------------------------------------------------------
def resolve_agency(agency: Agency, on: dt.date, *, field: str = "lead_agency") -> Agency:
    """The unit itself when it exists on `on`; a merged unit resolves to its one successor;
    a unit with no or several successors is refused, and so is a unit not yet established on
    `on` (its predecessors were the units of that day)."""
    if agency.is_valid_on(on):
        return agency
    if on < agency.valid_from:
        raise ValidationFailed(
            _("Unit %(code)s was established on %(from)s: it did not exist yet on %(day)s.")
            % {
                "code": agency.code,
                "from": agency.valid_from.strftime("%d/%m/%Y"),
                "day": on.strftime("%d/%m/%Y"),
            },
            field=field,
        )
    successors = agency.resolve_current(on)
    if len(successors) == 1:
        return successors[0]
    if not successors:
        raise ValidationFailed(
            _("Unit %(code)s no longer exists on %(day)s and has no successor.")
            % {"code": agency.code, "day": on.strftime("%d/%m/%Y")},
            field=field,
        )
    raise ValidationFailed(
        _("Unit %(code)s was merged into %(succ)s on %(day)s: choose one of them.")
        % {
            "code": agency.code,
            "succ": ", ".join(a.code for a in successors),
            "day": on.strftime("%d/%m/%Y"),
        },
        field=field,
    )


def next_code(year: int, prefix: str = "NV") -> str:
    return _next_code(prefix, year, Task, width=4)


def _search_text(task: Task) -> str:
    return fold(f"{task.code} {task.title} {task.source_document} {task.lead_agency.code}")


# The time the steps taken inside `recorded_at` are recorded at (None: now).
_recorded_at: ContextVar[dt.datetime | None] = ContextVar("plans_recorded_at", default=None)


@contextmanager
def recorded_at(when: dt.datetime) -> Iterator[None]:
    """Record the events of the plans services called inside at `when` instead of now.

    Only the demo seeder uses it: it tells a year of tasks and inspections through these
    services, and each step must stand in the history at the date of the story (a task
    assigned on 08/10 whose history said "assigned" at the seeding time contradicted
    itself). The services still check every transition; only the event's time is set."""
    token = _recorded_at.set(when)
    try:
        yield
    finally:
        _recorded_at.reset(token)


def event_time(at: dt.datetime | None = None) -> dt.datetime | None:
    """The time to record an event at: `at` when given, else the `recorded_at` one (None: now)."""
    return at or _recorded_at.get()


def _event(task: Task, action: str, actor: Any, to_status: str = "", **kw: Any) -> TaskEvent:
    kw["at"] = event_time(kw.get("at"))
    return events.append_transition(
        TaskEvent, task, action=action, actor=actor, to_status=to_status, **kw
    )


def check_files(files: Iterable[UploadedFile | None], *, field: str) -> None:
    """Every file attached in plans and inspections passes the one upload check of the
    platform (cchc.core.uploads: a PDF, JPEG or PNG judged by its content, at most
    MAX_UPLOAD_MB), before anything is written; the refusal stands on the form's `field`."""
    for f in files:
        if not f:
            continue
        try:
            check_upload(f)
        except ValidationFailed as exc:
            raise ValidationFailed(exc.message, field=field) from exc


def _save_files(task: Task, seq: int, files: Iterable[UploadedFile]) -> list[TaskFile]:
    saved = []
    for f in files:
        saved.append(
            TaskFile.objects.create(task=task, event_seq=seq, file=f, name=(f.name or "file")[:255])
        )
    return saved


def _period_deadlines(start: dt.date, end: dt.date, recurrence: str) -> list[tuple[str, dt.date]]:
    """(label, due date) of each periodic report between `start` and `end`: the last day of
    every month or quarter (the final one at `end`)."""
    step = 1 if recurrence == Recurrence.MONTHLY else 3
    out: list[tuple[str, dt.date]] = []
    year, month = start.year, start.month
    if step == 3:
        month = ((month - 1) // 3) * 3 + 1
    while True:
        last_month = month + step - 1
        ny, nm = (year + (last_month // 12), last_month % 12 + 1)
        period_end = dt.date(ny, nm, 1) - dt.timedelta(days=1)
        due = min(period_end, end)
        if step == 1:
            label = _("Report for %(m)02d/%(y)s") % {"m": month, "y": year}
        else:
            label = _("Report for quarter %(q)s/%(y)s") % {"q": (month - 1) // 3 + 1, "y": year}
        if due >= start:
            out.append((label, due))
        if period_end >= end:
            break
        month += step
        if month > 12:
            month -= 12
            year += 1
    return out


# -- assignment ---------------------------------------------------------------------------------
def check_deadline(assigned_on: dt.date, deadline: dt.date, *, field: str) -> None:
    """A task's deadline may not come before its assignment date (the form's or the bundle's
    `field` is named in the error)."""
    if deadline < assigned_on:
        raise ValidationFailed(
            _("The deadline %(deadline)s is before the assignment date %(assigned)s.")
            % {
                "deadline": deadline.strftime("%d/%m/%Y"),
                "assigned": assigned_on.strftime("%d/%m/%Y"),
            },
            field=field,
        )


@transaction.atomic
def assign_task(
    *,
    actor: Any,
    title: str,
    source_document: str,
    lead_agency: Agency,
    assigned_on: dt.date,
    deadline: dt.date,
    source_kind: str = SourceKind.PLAN,
    code: str = "",
    description: str = "",
    co_agencies: Sequence[Agency] = (),
    observer_agencies: Sequence[Agency] = (),
    output_type: str = OutputType.REPORT,
    expected_result: str = "",
    evidence_required: bool = True,
    recurrence: str = "",
    parent: Task | None = None,
    plan: Plan | None = None,
    measure_name: str = "",
    measure_target: float | None = None,
    measure_period: str = "",
    at: dt.datetime | None = None,
) -> Task:
    """Assign a task (giao nhiệm vụ) with its "5 clear"."""
    require_actor(actor)
    if not (
        policies.can_assign(actor)
        or (parent and policies.is_assigner_of(actor, parent))
        or (source_kind == SourceKind.INSPECTION and policies.can_inspect(actor))
    ):
        raise NotPermitted(_("You are not allowed to assign tasks."))
    title = (title or "").strip()
    if not title:
        raise ValidationFailed(_("A task needs a title."), field="title")
    if not (source_document or "").strip():
        raise ValidationFailed(_("Name the source document of the task."), field="source_document")
    check_deadline(assigned_on, deadline, field="deadline")
    if source_kind not in SourceKind.values:
        raise ValidationFailed(_("Unknown source kind."), field="source_kind")
    if output_type not in OutputType.values:
        raise ValidationFailed(_("Unknown output type."), field="output_type")
    if recurrence not in Recurrence.values:
        raise ValidationFailed(_("Unknown periodicity."), field="recurrence")
    lead = resolve_agency(lead_agency, assigned_on)
    co = [resolve_agency(a, assigned_on, field="co_agencies") for a in co_agencies]
    observers = [
        resolve_agency(a, assigned_on, field="observer_agencies") for a in observer_agencies
    ]
    if lead in co:
        raise ValidationFailed(
            _("The lead unit cannot also be a co-operating unit."), field="co_agencies"
        )
    if measure_name:
        from cchc.indices.measures import available

        if measure_name not in available():
            raise ValidationFailed(
                _("Unknown measure: %(name)s.") % {"name": measure_name}, field="measure_name"
            )
        if measure_target is None or not (0 < measure_target <= 100):
            raise ValidationFailed(
                _("A measure target is a percentage between 0 and 100."), field="measure_target"
            )
    if parent is not None and parent.parent is not None and parent.parent.parent_id:
        raise ValidationFailed(_("Tasks nest at most three levels deep."), field="parent")
    code = (code or "").strip() or next_code(assigned_on.year)
    if Task.objects.filter(code=code).exists():
        raise ValidationFailed(
            _("A task with code %(code)s exists.") % {"code": code}, field="code"
        )
    task = Task(
        code=code,
        title=title[:500],
        description=description,
        plan=plan,
        source_kind=source_kind,
        source_document=source_document.strip()[:200],
        parent=parent,
        lead_agency=lead,
        output_type=output_type,
        expected_result=expected_result,
        evidence_required=evidence_required,
        assigned_on=assigned_on,
        deadline=deadline,
        deadline_in_force=deadline,
        recurrence=recurrence,
        **recorded_by(actor, "assigned_by"),
        measure_name=measure_name,
        measure_target=measure_target,
        measure_period=measure_period,
    )
    task.search_text = _search_text(task)
    task.save()
    task.co_agencies.set(co)
    task.observer_agencies.set(observers)
    data: dict[str, Any] = {"deadline": deadline.isoformat(), "lead": lead.code}
    if lead.pk != lead_agency.pk:
        data["resolved_from"] = lead_agency.code
    _event(task, "assign", actor, to_status=TaskStatus.ASSIGNED, data=data, at=at, save=["status"])
    if recurrence:
        for n, (label, due) in enumerate(_period_deadlines(assigned_on, deadline, recurrence), 1):
            assign_task(
                actor=actor,
                code=f"{code}.{n:02d}",
                title=f"{title[:400]} — {label}",
                source_document=source_document,
                source_kind=source_kind,
                lead_agency=lead,
                assigned_on=assigned_on,
                deadline=due,
                output_type=OutputType.REPORT,
                evidence_required=evidence_required,
                parent=task,
                plan=plan,
                at=at,
            )
    return task


# -- the lead unit's steps ---------------------------------------------------------------------
def _locked(task: Task, actor: Any, require: Callable[[Any, Task], None]) -> Task:
    """The task locked for the actor's step, once `require` has checked the actor may take it."""
    require_actor(actor)
    task = events.lock(task)
    require(actor, task)
    return task


def _require_reporter(actor: Any, task: Task) -> None:
    if not policies.may_report_progress(actor, task):
        raise NotPermitted(_("Only the lead or a co-operating unit can report progress."))


def _require_lead(actor: Any, task: Task) -> None:
    if not policies.is_lead_staff(actor, task):
        raise NotPermitted(_("Only staff of the lead unit can do this."))


@transaction.atomic
def acknowledge(task: Task, *, actor: Any, note: str = "") -> Task:
    task = _locked(task, actor, _require_lead)
    if not task.can_be_acknowledged:
        raise TransitionNotAllowed(_("The task has already been acknowledged."))
    _event(
        task, "acknowledge", actor, to_status=TaskStatus.ACKNOWLEDGED, note=note, save=["status"]
    )
    return task


@transaction.atomic
def report_progress(
    task: Task,
    *,
    actor: Any,
    text: str,
    percent: int | None = None,
    files: Sequence[UploadedFile] = (),
    lowered_reason: str = "",
) -> Task:
    """A progress update: text, percent done and files; a percentage lower than the last
    report's comes with a short reason (`lowered_reason`), kept in the history."""
    task = _locked(task, actor, _require_reporter)
    if task.completed_on is not None:
        raise TransitionNotAllowed(_("The task is completed; it was not sent back."))
    if not (text or "").strip():
        raise ValidationFailed(_("Describe the progress."), field="text")
    if percent is not None and not (0 <= percent <= 100):
        raise ValidationFailed(_("Progress is a percentage between 0 and 100."), field="percent")
    if task.measure_name and percent is not None:
        raise ValidationFailed(
            _("This task's progress comes from the measure %(m)s, not a typed percentage.")
            % {"m": task.measure_name},
            field="percent",
        )
    check_files(files, field="files")
    is_lead = policies.is_lead_staff(actor, task)
    # the percentage that counts: the lead unit's, on a task without sub-tasks
    typed = percent if is_lead and not task.children.exists() else None
    lowered_reason = (lowered_reason or "").strip()
    if typed is not None and typed < task.progress and not lowered_reason:
        raise ValidationFailed(
            _(
                "%(new)s%% is lower than the last report's %(last)s%%: give a short reason "
                "for the drop, or correct the percentage."
            )
            % {"new": percent, "last": task.progress},
            field="lowered_reason",
        )
    to_status = TaskStatus.IN_PROGRESS if is_lead else ""
    ev = _event(
        task,
        "progress",
        actor,
        to_status=to_status,
        note=text.strip(),
        data={
            "percent": percent,
            "files": [f.name for f in files],
            **({"lowered_reason": lowered_reason} if lowered_reason else {}),
        },
    )
    _save_files(task, ev.seq, files)
    fields = ["status", "last_event_seq"]
    if typed is not None:
        task.progress = typed
        fields.append("progress")
    task.save(update_fields=fields)
    _rollup(task.parent_id)
    return task


@transaction.atomic
def complete(
    task: Task,
    *,
    actor: Any,
    result: str,
    files: Sequence[UploadedFile] = (),
    evidence_link: str = "",
    completed_on: dt.date | None = None,
) -> Task:
    """The lead unit reports the task done, with its result and evidence."""
    task = _locked(task, actor, _require_lead)
    if not task.can_be_completed:
        raise TransitionNotAllowed(_("The task is already completed."))
    if not (result or "").strip():
        raise ValidationFailed(_("Describe the result."), field="result")
    if task.evidence_required and not files and not evidence_link.strip():
        raise ValidationFailed(
            _("This task requires evidence of completion: attach a file or give a link."),
            field="files",
        )
    check_files(files, field="files")
    open_children = task.children.filter(completed_on__isnull=True).count()
    if open_children:
        raise TransitionNotAllowed(
            _("%(n)s sub-tasks are not completed yet.") % {"n": open_children}
        )
    day = completed_on or today()
    if day < task.assigned_on:
        raise ValidationFailed(
            _("A task cannot be completed before it was assigned."), field="completed_on"
        )
    if day > today():
        raise ValidationFailed(_("The completion date is in the future."), field="completed_on")
    ev = _event(
        task,
        "complete",
        actor,
        to_status=TaskStatus.SUBMITTED,
        note=result.strip(),
        data={
            "completed_on": day.isoformat(),
            "evidence_link": evidence_link.strip(),
            "files": [f.name for f in files],
            # what a send-back restores: the completion's 100 % stops counting when refused
            "progress_before": task.progress,
        },
    )
    _save_files(task, ev.seq, files)
    task.completed_on = day
    task.progress = 100
    task.save(update_fields=["status", "last_event_seq", "completed_on", "progress"])
    _rollup(task.parent_id)
    return task


# -- the assigner's steps ----------------------------------------------------------------------
def _require_assigner(actor: Any, task: Task) -> None:
    if not policies.is_assigner_of(actor, task):
        raise NotPermitted(_("Only the assigner can do this."))


@transaction.atomic
def verify(task: Task, *, actor: Any, note: str = "") -> Task:
    task = _locked(task, actor, _require_assigner)
    if not task.can_be_verified:
        raise TransitionNotAllowed(
            _("Only a completed task awaiting verification can be verified.")
        )
    _event(task, "verify", actor, to_status=TaskStatus.VERIFIED, note=note, save=["status"])
    return task


@transaction.atomic
def send_back(task: Task, *, actor: Any, reason: str) -> Task:
    """The assigner refuses the completion: the task is open again."""
    task = _locked(task, actor, _require_assigner)
    if not task.can_be_verified:
        raise TransitionNotAllowed(
            _("Only a completed task awaiting verification can be sent back.")
        )
    if not (reason or "").strip():
        raise ValidationFailed(_("Give the reason for sending the task back."), field="reason")
    _event(
        task,
        "send_back",
        actor,
        to_status=TaskStatus.IN_PROGRESS,
        note=reason.strip(),
        data={"was_completed_on": task.completed_on.isoformat() if task.completed_on else None},
    )
    task.completed_on = None
    task.progress = _progress_before_completion(task)
    task.save(update_fields=["status", "last_event_seq", "completed_on", "progress"])
    _rollup(task.parent_id)
    return task


def _progress_before_completion(task: Task) -> int:
    """The progress the task had before its last completion report: a refused completion no
    longer counts (domain.md §10), so the 100 % it set goes back to the last reported figure.
    A completion recorded before the figure was kept falls back to the last percentage
    reported before it (0 when none was)."""
    completion = task.events.filter(action="complete").order_by("-seq").first()
    if completion is None:
        return task.progress
    if (kept := (completion.data or {}).get("progress_before")) is not None:
        return int(kept)
    for data in (
        task.events.filter(action="progress", seq__lt=completion.seq)
        .order_by("-seq")
        .values_list("data", flat=True)
    ):
        if isinstance(data, dict) and isinstance(data.get("percent"), int):
            return int(data["percent"])
    return 0


@transaction.atomic
def request_extension(
    task: Task, *, actor: Any, new_deadline: dt.date, reason: str, on: dt.date | None = None
) -> Extension:
    task = _locked(task, actor, _require_lead)
    day = on or today()
    if task.completed_on is not None:
        raise TransitionNotAllowed(_("The task is completed: no extension is needed."))
    if day > task.deadline_in_force:
        raise ValidationFailed(
            _("The deadline %(d)s has passed: an extension must be asked before it.")
            % {"d": task.deadline_in_force.strftime("%d/%m/%Y")},
            field="new_deadline",
        )
    if new_deadline <= task.deadline_in_force:
        raise ValidationFailed(
            _("The new deadline must be after the current one (%(d)s).")
            % {"d": task.deadline_in_force.strftime("%d/%m/%Y")},
            field="new_deadline",
        )
    if not (reason or "").strip():
        raise ValidationFailed(_("Give the reason for the extension."), field="reason")
    if task.extensions.filter(approved__isnull=True).exists():
        raise TransitionNotAllowed(_("An extension request is already awaiting a decision."))
    ext = Extension.objects.create(
        task=task,
        requested_on=day,
        requested_by_label=actor_label(actor),
        new_deadline=new_deadline,
        reason=reason.strip(),
    )
    _event(
        task,
        "request_extension",
        actor,
        note=reason.strip(),
        data={"extension": ext.pk, "new_deadline": new_deadline.isoformat(), "on": day.isoformat()},
        save=True,
    )
    return ext


@transaction.atomic
def decide_extension(
    extension: Extension,
    *,
    actor: Any,
    approve: bool,
    note: str = "",
    on: dt.date | None = None,
) -> Extension:
    """The assigner approves or refuses. An approval after the deadline in force is recorded
    but does not move the deadline (it does not count, interchange.md §7)."""
    task = _locked(extension.task, actor, _require_assigner)
    ext = Extension.objects.select_for_update().get(pk=extension.pk)
    if ext.approved is not None:
        raise TransitionNotAllowed(_("This extension request has already been decided."))
    day = on or today()
    if day < ext.requested_on:
        raise ValidationFailed(_("A decision cannot precede the request."), field="on")
    counts = bool(approve) and day <= task.deadline_in_force
    ext.approved = bool(approve)
    ext.decided_on = day
    ext.decided_by_label = actor_label(actor)
    ext.decision_note = note
    ext.save()
    _event(
        task,
        "approve_extension" if approve else "refuse_extension",
        actor,
        note=note,
        data={
            "extension": ext.pk,
            "new_deadline": ext.new_deadline.isoformat(),
            "on": day.isoformat(),
            "counts": counts,
        },
    )
    if counts:
        task.deadline_in_force = ext.new_deadline
    task.save(update_fields=["last_event_seq", "deadline_in_force"])
    return ext


# -- roll-up -----------------------------------------------------------------------------------
def _rollup(parent_id: int | None) -> None:
    """A parent's stored progress is the mean of its children's (walking up the tree)."""
    seen = 0
    while parent_id is not None and seen < 5:
        seen += 1
        values = list(
            Task.objects.filter(parent_id=parent_id).values_list("progress", "completed_on")
        )
        if not values:
            return
        mean = round(sum(100 if done else p for p, done in values) / len(values))
        Task.objects.filter(pk=parent_id).update(progress=mean)
        parent_id = Task.objects.filter(pk=parent_id).values_list("parent_id", flat=True).first()


def progress_of(task: Task, *, depth: int = 0) -> dict[str, Any]:
    """The progress to show: from the linked measure when there is one, from the children
    when there are some, else the last typed percentage (100 once completed)."""
    if task.measure_name:
        from cchc.core.errors import DomainError
        from cchc.indices.measures import measure

        period = task.measure_period or str(task.deadline.year)
        try:
            m = measure(task.measure_name, agency_code=task.lead_agency.code, period=period)
        except DomainError as exc:
            return {"percent": None, "source": "measure", "error": exc.message}
        target = task.measure_target or 100.0
        pct = None if m.value is None else min(100, round(100.0 * m.value / target))
        return {
            "percent": pct,
            "source": "measure",
            "measure": m.as_dict(),
            "target": target,
            "met": m.value is not None and m.value >= target,
        }
    if task.completed_on is not None:
        return {"percent": 100, "source": "completion"}
    children = list(task.children.all()) if depth < 3 else []
    if children:
        parts = [progress_of(c, depth=depth + 1)["percent"] or 0 for c in children]
        return {"percent": round(sum(parts) / len(parts)), "source": "children"}
    return {"percent": task.progress, "source": "typed"}
