"""Pages of tasks and reports (thin: services write, reports compute). Inspections' pages are
in `inspection_views.py`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from cchc.accounts import permissions
from cchc.agencies.models import Agency
from cchc.core import rendering
from cchc.core.htmx import work_card
from cchc.core.idempotency import once_per_form
from cchc.core.text import matches_folded
from cchc.plans import exports, policies, reports, services
from cchc.plans import status as st
from cchc.plans.forms import (
    CompleteForm,
    ExtensionForm,
    PlanForm,
    ProgressForm,
    ReasonForm,
    TaskForm,
)
from cchc.plans.models import Extension, Plan, SourceKind, Task, TaskFile
from cchc.plans.rules import plan_rules

PAGE_SIZE = 25
# the task list's tabs and their names (the list's tab bar, the home page's card)
TABS: dict[str, Any] = {
    "open": gettext_lazy("Not done"),
    "overdue": gettext_lazy("Overdue"),
    "due_soon": gettext_lazy("Due soon"),
    "to_verify": gettext_lazy("To verify"),
    "done": gettext_lazy("Done"),
    "all": gettext_lazy("All"),
}


def _page(request: HttpRequest, qs: Any) -> Any:
    return Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))


def form_page(
    request: HttpRequest, form: Any, heading: str, save: Callable[[dict[str, Any]], HttpResponse]
) -> HttpResponse:
    return rendering.form_page(request, "plans/form_page.html", form, save, heading=heading)


def _posted_pk(request: HttpRequest, name: str) -> int:
    """The primary key posted as `name`; 0 (matches no row) when absent or not a number."""
    value = request.POST.get(name, "")
    return int(value) if value.isdigit() else 0


def _require_staff(request: HttpRequest) -> None:
    user = request.user
    if not (policies.can_see_all(user) or permissions.is_staff_member(user)):
        raise PermissionDenied


def _year(request: HttpRequest) -> int:
    try:
        return int(request.GET.get("year") or timezone.localdate().year)
    except ValueError:
        return timezone.localdate().year


def _due_soon_days(today: dt.date) -> int:
    """How far ahead "due soon" looks: the first reminder's offset (rule data, 7 days), so the
    list shows the tasks whose reminders have begun."""
    offsets = [int(d) for d in plan_rules(today).get("reminder_days") or []]
    return max(offsets, default=0)


def _in_tab(qs: Any, tab: str, today: dt.date) -> Any:
    if tab == "open":
        return qs.not_done()
    if tab == "overdue":
        return qs.overdue(today)
    if tab == "due_soon":
        last = today + dt.timedelta(days=_due_soon_days(today))
        return qs.not_done().filter(deadline_in_force__gte=today, deadline_in_force__lte=last)
    if tab == "to_verify":
        return qs.filter(status="SUBMITTED")
    if tab == "done":
        return qs.filter(completed_on__isnull=False)
    return qs


# the staff home page's card: the tabs that ask for action, and which of them is late work
MY_WORK_TABS = (("open", False), ("overdue", True), ("due_soon", False), ("to_verify", False))


@login_required
def my_work(request: HttpRequest) -> HttpResponse:
    """The tasks card of the staff home page (htmx swaps it in there); opened directly (a
    bookmark, a new tab) the same card stands in a full page, not as an unstyled fragment."""
    _require_staff(request)
    today = timezone.localdate()
    qs = Task.objects.visible_to(request.user)
    return work_card(
        request,
        title=_("Assigned tasks"),
        list_url=reverse("plans:tasks"),
        param="tab",
        tabs=TABS,
        counts={tab: (_in_tab(qs, tab, today).count(), alarm) for tab, alarm in MY_WORK_TABS},
        more_label=_("Open the task list"),
        page="plans/my_work.html",
    )


def _filtered_tasks(request: HttpRequest, today: dt.date) -> tuple[Any, dict[str, str]]:
    """The tasks the list shows for the request's tab, search and unit (the page and its
    Excel export list the same rows), and those filters as the page shows them."""
    _require_staff(request)
    qs = (
        Task.objects.visible_to(request.user)
        .select_related("lead_agency")
        .only(
            "code",
            "title",
            "source_document",
            "assigned_on",
            "deadline_in_force",
            "completed_on",
            "progress",
            "lead_agency__code",
            "lead_agency__name",
        )
    )
    tab = request.GET.get("tab", "open")
    if tab not in TABS:
        tab = "open"
    qs = _in_tab(qs, tab, today)
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.search(q)
    agency = request.GET.get("agency", "").strip()
    if agency:
        qs = qs.filter(lead_agency__code=agency)
    # the tasks of one reform plan (the plan list's task count links here)
    plan = request.GET.get("plan", "").strip()
    if plan:
        qs = qs.filter(plan__code=plan)
    filters = {"tab": tab, "q": q, "agency": agency, "plan": plan}
    return qs.order_by("deadline_in_force", "code"), filters


@login_required
def task_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    qs, filters = _filtered_tasks(request, today)
    page = _page(request, qs)
    soon = _due_soon_days(today)
    for t in page:
        # words beside the badge's colour, the same as on the task page (status.deadline_badge)
        t.badge = st.deadline_badge(
            deadline_in_force=t.deadline_in_force,
            completed_on=t.completed_on,
            today=today,
            soon=soon,
        )
    # a tab keeps the search and the other filters (a new tab starts at its first page)
    tab_params = request.GET.copy()
    for key in ("tab", "page"):
        tab_params.pop(key, None)
    # the export takes the same tab and filters, not the page
    export_params = request.GET.copy()
    export_params.pop("page", None)
    export_params["tab"] = filters["tab"]
    # the unit filter offers the lead units of the tasks this person sees, by name (a leader
    # does not know the units' codes)
    units = (
        Agency.objects.filter(pk__in=Task.objects.visible_to(request.user).values("lead_agency_id"))
        .only("code", "name")
        .order_by("name")
    )
    return render(
        request,
        "plans/task_list.html",
        {
            "page": page,
            "units": units,
            "tabs": TABS,
            "tab_query": tab_params.urlencode(),
            "export_query": export_params.urlencode(),
            "today": today,
            "can_assign": policies.can_assign(request.user),
            "unit_linked": policies.units_seen(request.user),
            "plan_shown": Plan.objects.filter(code=filters["plan"]).first()
            if filters["plan"]
            else None,
            **filters,
        },
    )


@login_required
def task_list_xlsx(request: HttpRequest) -> HttpResponse:
    """The task list's rows (its tab, search and unit; every page) as an Excel file."""
    today = timezone.localdate()
    qs, filters = _filtered_tasks(request, today)
    data = exports.tasks_xlsx(qs.iterator(), today)
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    # "nhiem-vu-qua-han-H26.100-20260512.xlsx": the tab in Vietnamese whatever the page's
    # language, then the unit and plan filtered on
    with translation.override("vi"):
        tab = str(TABS[filters["tab"]])
    response["Content-Disposition"] = exports.disposition(
        f"Nhiệm vụ {tab}", filters["agency"], filters["plan"], f"{today:%Y%m%d}", extension="xlsx"
    )
    return response


@login_required
@once_per_form
def task_new(request: HttpRequest) -> HttpResponse:
    if not policies.can_assign(request.user):
        raise PermissionDenied
    # "Assign a task" from a plan on the plan list comes with that plan chosen
    plan = Plan.objects.filter(code=request.GET.get("plan", "")).first()
    initial: dict[str, Any] = {"parent": request.GET.get("parent"), "plan": plan}
    if plan is not None:
        # the plan is the task's source document too (its number, "KH 12/KH-UBND")
        initial["source_kind"] = SourceKind.PLAN
        initial["source_document"] = plan.issuing_document
    form = TaskForm(request.POST or None, initial=initial)

    def save(d: dict[str, Any]) -> HttpResponse:
        task = services.assign_task(
            actor=request.user,
            title=d["title"],
            source_kind=d["source_kind"],
            source_document=d["source_document"],
            lead_agency=d["lead_agency"],
            co_agencies=list(d["co_agencies"]),
            observer_agencies=list(d["observer_agencies"]),
            output_type=d["output_type"],
            expected_result=d["expected_result"],
            evidence_required=d["evidence_required"],
            assigned_on=d["assigned_on"],
            deadline=d["deadline"],
            recurrence=d["recurrence"] or "",
            parent=d["parent"],
            plan=d["plan"],
            measure_name=d["measure_name"] or "",
            measure_target=d["measure_target"],
            measure_period=d["measure_period"],
        )
        messages.success(request, _("Task %(code)s assigned.") % {"code": task.code})
        return redirect("plans:task", code=task.code)

    return form_page(request, form, _("Assign a task"), save)


def _visible_task(request: HttpRequest, code: str) -> Task:
    task = (
        Task.objects.visible_to(request.user)
        .select_related("lead_agency", "parent", "plan")
        .prefetch_related("co_agencies", "observer_agencies", "extensions")
        .filter(code=code)
        .first()
    )
    if task is None:
        raise Http404(_("No task %(code)s.") % {"code": code})
    return task


# The task page's forms: the action each is posted to -> its name in the page, its class and
# the service it feeds (the form's fields are the service's keyword arguments).
TASK_FORMS: dict[str, tuple[str, type[forms.Form], Callable[..., Any]]] = {
    "progress": ("progress_form", ProgressForm, services.report_progress),
    "complete": ("complete_form", CompleteForm, services.complete),
    "send_back": ("reason_form", ReasonForm, services.send_back),
    "extension": ("extension_form", ExtensionForm, services.request_extension),
}
ACTIONS = {"acknowledge", "verify", "decide", *TASK_FORMS}


@login_required
def task_detail(request: HttpRequest, code: str) -> HttpResponse:
    return _task_page(request, _visible_task(request, code))


def _deadline_badge(task: Task) -> st.DeadlineBadge:
    today = timezone.localdate()
    return st.deadline_badge(
        deadline_in_force=task.deadline_in_force,
        completed_on=task.completed_on,
        today=today,
        soon=_due_soon_days(today),
    )


def _task_page(
    request: HttpRequest, task: Task, bound: dict[str, Any] | None = None
) -> HttpResponse:
    """The task page; `bound` (a form's name in the page -> the form) replaces the empty form
    of a refused action, so the page shows what was typed and why it was refused."""
    user = request.user
    status = task.status_today
    is_lead = policies.is_lead_staff(user, task)
    is_assigner = policies.is_assigner_of(user, task)
    still_open = task.completed_on is None
    # the steps this person may take now; the "Actions" heading stands only over some
    actions = {
        "acknowledge": is_lead and task.can_be_acknowledged,
        "progress": still_open and policies.may_report_progress(user, task),
        "complete": still_open and is_lead,
        "verify": is_assigner and task.can_be_verified,
    }
    forms_shown = {name: form_class() for name, form_class, _act in TASK_FORMS.values()}
    forms_shown.update(bound or {})
    if not (is_lead and not task.measure_name and not task.children.exists()):
        # a typed percentage counts only for the lead unit of a task without sub-tasks or a
        # measure (services.report_progress): elsewhere the field was refused ("comes from the
        # measure") or silently ignored after "Saved."
        forms_shown["progress_form"].fields.pop("percent", None)
    progress_fields = forms_shown["progress_form"].fields
    if "percent" in progress_fields:
        # the last report's figure, to change rather than to remember (a refused form keeps
        # what was typed: a bound form ignores the initial)
        progress_fields["percent"].initial = task.progress
        progress_fields["lowered_reason"].help_text = _(
            "Only when the percentage is lower than the last report's (%(last)s%%)."
        ) % {"last": task.progress}
    else:
        progress_fields.pop("lowered_reason", None)
    return render(
        request,
        "plans/task_detail.html",
        {
            "task": task,
            "status": status,
            # the task list's words ("overdue by 302 days"), not a bare "overdue"
            "badge": _deadline_badge(task),
            "progress": services.progress_of(task),
            "events": task.events.all().order_by("seq"),
            "files": task.files.all().order_by("event_seq", "pk"),
            "children": task.children.select_related("lead_agency").order_by(
                "deadline_in_force", "code"
            ),
            "extensions": task.extensions.all(),
            # a corrective task's findings (their source): each names its inspection
            "findings": task.findings.select_related("inspection"),
            "actions": actions,
            "any_action": any(actions.values()),
            "is_assigner": is_assigner,
            "unit_linked": policies.units_seen(user),
            **forms_shown,
        },
    )


@login_required
@require_POST
def task_action(request: HttpRequest, code: str, action: str) -> HttpResponse:
    if action not in ACTIONS:
        raise Http404
    task = _visible_task(request, code)
    user = request.user
    back = redirect("plans:task", code=code)

    if action in TASK_FORMS:
        name, form_class, act = TASK_FORMS[action]
        return rendering.post_form(
            request,
            form_class(request.POST, request.FILES),
            lambda form: act(task, actor=user, **form.cleaned_data),
            done=_("Saved."),
            back=back,
            page=lambda form: _task_page(request, task, {name: form}),
        )

    def handle() -> HttpResponse | None:
        if action == "acknowledge":
            services.acknowledge(task, actor=user)
        elif action == "verify":
            services.verify(task, actor=user, note=request.POST.get("note", ""))
        elif action == "decide":
            ext = Extension.objects.filter(pk=_posted_pk(request, "extension"), task=task).first()
            if ext is None:
                raise Http404
            services.decide_extension(
                ext,
                actor=user,
                approve=request.POST.get("approve") == "1",
                note=request.POST.get("note", ""),
            )
        return None

    return rendering.run_action(request, handle, done=_("Saved."), back=back)


@login_required
def task_file(request: HttpRequest, pk: int) -> FileResponse:
    f = TaskFile.objects.select_related("task").filter(pk=pk).first()
    if f is None or not policies.can_see_task(request.user, f.task):
        raise Http404
    return FileResponse(f.file.open("rb"), as_attachment=True, filename=f.name)


# -- reports -------------------------------------------------------------------------------------
def _agency_for(request: HttpRequest, code: str) -> Agency:
    agency = Agency.objects.filter(code=code).first()
    if agency is None:
        raise Http404
    if not policies.sees_agency(request.user, agency.pk):
        raise PermissionDenied
    return agency


@login_required
def unit_report(request: HttpRequest, code: str) -> HttpResponse:
    agency = _agency_for(request, code)
    year = _year(request)
    report = reports.unit_report(agency, year=year)
    from cchc.plans import journey

    return render(
        request,
        "plans/unit.html",
        {
            "r": report,
            "chart": exports.chart_svg(report["monthly"]),
            "journey": journey.journey(agency, year=year),
            "labels": st.LABELS,
        },
    )


@login_required
def unit_journey(request: HttpRequest, code: str) -> HttpResponse:
    """The closed loop of one unit over a year (issue 15.7): what citizens reported or rated
    badly, what inspectors found, what was assigned, what was done, what the index shows."""
    agency = _agency_for(request, code)
    year = _year(request)
    from cchc.plans import journey

    return render(
        request,
        "plans/journey.html",
        {"agency": agency, "year": year, "j": journey.journey_page(agency, year=year)},
    )


@login_required
def unit_index(request: HttpRequest, code: str) -> HttpResponse:
    """The journey's last step (htmx fragment): the unit's 766 figures per quarter since."""
    agency = _agency_for(request, code)
    from cchc.plans import journey

    return render(
        request,
        "plans/_journey_index.html",
        {"index": journey.index_since(agency, year=_year(request))},
    )


@login_required
def documents_report(request: HttpRequest) -> HttpResponse:
    _require_staff(request)
    year = _year(request)
    as_of = min(timezone.localdate(), dt.date(year, 12, 31))
    qs = Task.objects.visible_to(request.user).filter(assigned_on__year=year)
    rows = reports.group_counts(qs, as_of, "source_document")
    q = request.GET.get("q", "").strip().lower()
    if q:
        rows = [r for r in rows if q in r["key"].lower()]
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request, "plans/documents.html", {"page": page, "year": year, "as_of": as_of, "q": q}
    )


def _emulation_rows(request: HttpRequest) -> tuple[int, list[dict[str, Any]]]:
    """The year asked for and its emulation rows the viewer may see (their own units only,
    unless they see the whole province)."""
    _require_staff(request)
    year = _year(request)
    rows = reports.emulation(year)
    if not policies.can_see_all(request.user):
        mine = {a.code for a in Agency.objects.filter(pk__in=permissions.agency_ids(request.user))}
        rows = [r for r in rows if r["code"] in mine]
    return year, rows


@login_required
def emulation(request: HttpRequest) -> HttpResponse:
    year, rows = _emulation_rows(request)
    from cchc.plans.rules import plan_rules

    as_of = min(timezone.localdate(), dt.date(year, 12, 31))
    rule = plan_rules(as_of)["emulation"]
    return render(
        request,
        "plans/emulation.html",
        {"rows": rows, "year": year, "rule": rule, "as_of": as_of},
    )


@login_required
def export_xlsx(request: HttpRequest) -> HttpResponse:
    year, rows = _emulation_rows(request)
    data = exports.emulation_xlsx(rows, year)
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    # the viewer who sees one unit only downloads that unit's line: its code is in the name
    unit = rows[0]["code"] if len(rows) == 1 and not policies.can_see_all(request.user) else ""
    response["Content-Disposition"] = exports.disposition("Thi đua", unit, year, extension="xlsx")
    return response


@login_required
def unit_pdf(request: HttpRequest, code: str) -> HttpResponse:
    agency = _agency_for(request, code)
    report = reports.unit_report(agency, year=_year(request))
    response = HttpResponse(exports.unit_pdf(report), content_type="application/pdf")
    # the year too: the PDFs of two years of one unit had the same name
    response["Content-Disposition"] = exports.disposition(
        "Báo cáo nhiệm vụ", agency.code, report["year"], extension="pdf", inline=True
    )
    return response


@login_required
def unit_xlsx(request: HttpRequest, code: str) -> HttpResponse:
    """The unit page's figures and the tasks they count, as an Excel file."""
    agency = _agency_for(request, code)
    report = reports.unit_report(agency, year=_year(request))
    response = HttpResponse(
        exports.unit_xlsx(report),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = exports.disposition(
        "Báo cáo nhiệm vụ", agency.code, report["year"], extension="xlsx"
    )
    return response


PLANS_PER_PAGE = 10


@login_required
def plan_list(request: HttpRequest) -> HttpResponse:
    """The province's reform plans, newest year first, ten to a page (each with its task
    counts), searched by number or name and filtered by year."""
    _require_staff(request)
    plans = Plan.objects.select_related("issued_by").order_by("-year", "code")
    q = request.GET.get("q", "").strip()
    if q:
        plans = plans.filter(matches_folded("search_text", q))
    years = list(Plan.objects.order_by("-year").values_list("year", flat=True).distinct())
    year_text = request.GET.get("year", "").strip()
    year = int(year_text) if year_text.isdigit() else None
    if year is not None:
        plans = plans.filter(year=year)
    page = Paginator(plans, PLANS_PER_PAGE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    from cchc.indices.measures import available

    # a target's measure by its name ("Dossiers settled on time"), not its key
    measures = available()
    everyone = policies.can_see_all(request.user)
    rows = []
    for plan in page:
        targets = [
            {**t, "measure_label": measures.get(t.get("measure") or "", t.get("measure") or "")}
            for t in plan.targets or []
        ]
        counts = reports.group_counts(Task.objects.filter(plan=plan), today, "source_document")
        total = {k: sum(c[k] for c in counts) for k in ("total", *st.VOCABULARY)}
        # the link opens the tasks the person may see: a unit's leader is told how many of
        # the plan's tasks those are (45 counted, 12 listed read as tasks gone missing)
        visible = (
            None
            if everyone
            else policies.visible_tasks(Task.objects.filter(plan=plan), request.user).count()
        )
        rows.append(
            {
                "plan": plan,
                "targets": targets,
                "counts": total,
                "visible": visible,
                **st.rates(total),
            }
        )
    return render(
        request,
        "plans/plan_list.html",
        {
            "rows": rows,
            "page": page,
            "q": q,
            "year": year,
            "years": years,
            "can_assign": policies.can_assign(request.user),
        },
    )


@login_required
@once_per_form
def plan_new(request: HttpRequest) -> HttpResponse:
    if not policies.can_assign(request.user):
        raise PermissionDenied
    form = PlanForm(request.POST or None)

    def save(d: dict[str, Any]) -> HttpResponse:
        services.create_plan(actor=request.user, **d)
        messages.success(request, _("Saved."))
        return redirect("plans:plans")

    return form_page(request, form, _("New reform plan"), save)
