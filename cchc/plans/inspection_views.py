"""Pages of inspections and findings (thin: `cchc.plans.inspections` writes)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from cchc.accounts import permissions
from cchc.agencies.models import Agency
from cchc.core.errors import DomainError
from cchc.core.idempotency import once_per_form
from cchc.core.rendering import cleaned_data, post_form, run_action
from cchc.core.text import matches_folded
from cchc.core.uploads import sniff
from cchc.plans import exports, policies, subjects
from cchc.plans import inspections as svc
from cchc.plans.forms import (
    ChecklistForm,
    ConcludeForm,
    FindingForm,
    InspectionForm,
    InspectionPlanForm,
    ReinspectForm,
    SelfReportForm,
)
from cchc.plans.inspection_models import (
    REMEDIATION_LABELS,
    FindingStatus,
    Inspection,
    InspectionPlan,
    InspectionStatus,
    SubjectKind,
    remediation_state,
)
from cchc.plans.views import form_page


def _visible(user: Any) -> Any:
    qs = Inspection.objects.select_related("agency", "plan")
    if policies.can_see_all(user):
        return qs
    return qs.filter(agency_id__in=permissions.agency_ids(user))


# the inspection list's findings filter: its value -> the inspections it keeps
FINDINGS_FILTERS: dict[str, Any] = {
    "open": gettext_lazy("With open findings"),
    "closed": gettext_lazy("All findings closed"),
    "none": gettext_lazy("No findings"),
}


def _filtered_inspections(request: HttpRequest) -> tuple[Any, dict[str, Any]]:
    """The inspections the list shows for the request's search, year, unit, status and
    findings filters (the page and its Excel export list the same rows), each with its
    findings counted, and those filters as the page shows them."""
    if not (policies.can_see_all(request.user) or permissions.is_staff_member(request.user)):
        raise PermissionDenied
    still_open = Q(findings__status__in=(FindingStatus.OPEN, FindingStatus.REOPENED))
    qs = _visible(request.user).annotate(
        findings_count=Count("findings", distinct=True),
        open_findings=Count("findings", filter=still_open, distinct=True),
        reopened_findings=Count(
            "findings", filter=Q(findings__status=FindingStatus.REOPENED), distinct=True
        ),
    )
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(
            matches_folded("search_text", q)
            | Q(agency__name__icontains=q)
            | Q(agency__code=q)
            | Q(plan__title__icontains=q)
            | Q(plan__issuing_document__icontains=q)
        )
    year_text = request.GET.get("year", "").strip()
    year = int(year_text) if year_text.isdigit() else None
    if year is not None:
        qs = qs.filter(scheduled_on__year=year)
    agency = request.GET.get("agency", "").strip()
    if agency:
        qs = qs.filter(agency__code=agency)
    # the inspections of one annual inspection plan (the plans named above the list link here)
    plan = request.GET.get("plan", "").strip()
    if plan:
        qs = qs.filter(plan__code=plan)
    status = request.GET.get("status", "")
    if status not in InspectionStatus.values:
        status = ""
    if status:
        qs = qs.filter(status=status)
    findings = request.GET.get("findings", "")
    if findings == "open":
        qs = qs.filter(open_findings__gt=0)
    elif findings == "closed":
        qs = qs.filter(findings_count__gt=0, open_findings=0)
    elif findings == "none":
        qs = qs.filter(findings_count=0)
    else:
        findings = ""
    filters = {
        "q": q,
        "year": year,
        "agency": agency,
        "plan": plan,
        "status": status,
        "findings": findings,
    }
    return qs.order_by("-scheduled_on", "code"), filters


@login_required
def inspection_list(request: HttpRequest) -> HttpResponse:
    qs, filters = _filtered_inspections(request)
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    today = timezone.localdate()
    for insp in page:
        insp.remediation = REMEDIATION_LABELS[remediation_state(insp, today)]
    visible = _visible(request.user)
    # the unit filter offers the units inspected that this person sees, by name
    units = (
        Agency.objects.filter(pk__in=visible.values("agency_id"))
        .only("code", "name")
        .order_by("name")
    )
    years = visible.dates("scheduled_on", "year", order="DESC")
    export_params = request.GET.copy()
    export_params.pop("page", None)
    return render(
        request,
        "plans/inspection_list.html",
        {
            "page": page,
            "units": units,
            "years": [d.year for d in years],
            "statuses": InspectionStatus.choices,
            "findings_filters": FINDINGS_FILTERS,
            "filtered": any(filters.values()),
            "export_query": export_params.urlencode(),
            "plans": InspectionPlan.objects.all()[:20],
            "can_inspect": policies.can_inspect(request.user),
            **filters,
        },
    )


@login_required
def inspection_list_xlsx(request: HttpRequest) -> HttpResponse:
    """The inspection list's rows (its search and filters; every page) as an Excel file, with
    each inspection's findings and the state of their remediation."""
    qs, filters = _filtered_inspections(request)
    today = timezone.localdate()
    data = exports.inspections_xlsx(qs.iterator(), today)
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    # "kiem-tra-2026-H26.100-20260512.xlsx": the year, unit and plan filtered on, then the day
    response["Content-Disposition"] = exports.disposition(
        "Kiểm tra",
        filters["year"],
        filters["agency"],
        filters["plan"],
        f"{today:%Y%m%d}",
        extension="xlsx",
    )
    return response


def inspectors_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Signed in, with the right to record inspections and findings (inspectors and Home
    Affairs: policies.can_inspect); anyone else gets 403."""

    @login_required
    @wraps(view)
    def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not policies.can_inspect(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return checked


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


@inspectors_only
@once_per_form
def plan_new(request: HttpRequest) -> HttpResponse:
    form = InspectionPlanForm(request.POST or None)

    def save(d: dict[str, Any]) -> HttpResponse:
        svc.create_inspection_plan(actor=request.user, **{**d, "checklist": _lines(d["checklist"])})
        messages.success(request, _("Saved."))
        return redirect("plans:inspections")

    return form_page(request, form, _("New inspection plan"), save)


@inspectors_only
@once_per_form
def inspection_new(request: HttpRequest) -> HttpResponse:
    form = InspectionForm(request.POST or None, scheduled_by=request.user)

    def save(d: dict[str, Any]) -> HttpResponse:
        checklist = _lines(d["checklist"]) or None
        # the person scheduling it leads the team; the members ticked join
        team = [request.user, *d["team"]]
        insp = svc.schedule_inspection(
            actor=request.user, **{**d, "checklist": checklist, "team": team}
        )
        return redirect("plans:inspection", code=insp.code)

    return form_page(request, form, _("Schedule an inspection"), save)


def _get(request: HttpRequest, code: str) -> Inspection:
    insp = _visible(request.user).filter(code=code).first()
    if insp is None:
        raise Http404(_("No inspection %(code)s.") % {"code": code})
    return insp


@login_required
def inspection_detail(request: HttpRequest, code: str) -> HttpResponse:
    return _detail_page(request, _get(request, code))


def _detail_page(
    request: HttpRequest, insp: Inspection, bound: dict[str, Any] | None = None
) -> HttpResponse:
    """The inspection page; `bound` (a form's name in the page -> the form) replaces the empty
    form of a refused action, so the page shows what was typed and why it was refused."""
    findings = insp.findings.select_related("corrective_task").order_by("code")
    return render(
        request,
        "plans/inspection_detail.html",
        {
            "insp": insp,
            "team": insp.team.all().order_by("pk"),
            "results": insp.results.all().order_by("pk"),
            "findings": [
                (
                    f,
                    subjects.resolve(f.subject_kind, f.subject_ref, agency_code=insp.agency.code)
                    if f.subject_kind
                    else None,
                )
                for f in findings
            ],
            "events": insp.events.all().order_by("seq"),
            "can_inspect": policies.can_inspect(request.user),
            "is_unit": policies.may_report_remediation(request.user, insp.agency_id),
            "finding_form": FindingForm(within_inspection=True),
            "conclude_form": ConcludeForm(),
            "self_report_form": SelfReportForm(),
            "checklist_form": ChecklistForm(checklist=insp.checklist),
            **(bound or {}),
        },
    )


def _inspection_forms(
    request: HttpRequest, insp: Inspection
) -> dict[str, tuple[str, Callable[[], Any], Callable[[Any], object]]]:
    """The inspection page's forms: the action each is posted to -> its name in the page, the
    posted form, and the service call it feeds."""
    user = request.user
    post, files = request.POST, request.FILES
    return {
        "self_report": (
            "self_report_form",
            lambda: SelfReportForm(post, files),
            lambda f: svc.upload_self_report(insp, actor=user, file=f.cleaned_data["file"]),
        ),
        "record": (
            "checklist_form",
            lambda: ChecklistForm(post, files, checklist=insp.checklist),
            lambda f: svc.record_inspection(insp, actor=user, results=f.results()),
        ),
        "finding": (
            "finding_form",
            lambda: FindingForm(post, within_inspection=True),
            lambda f: svc.raise_finding(
                actor=user,
                inspection=insp,
                severity=f.cleaned_data["severity"],
                description=f.cleaned_data["description"],
                evidence=f.cleaned_data["evidence"],
                responsible_person=f.cleaned_data["responsible_person"],
                subject_kind=f.cleaned_data["subject_kind"] or "",
                subject_ref=f.cleaned_data["subject_ref"],
            ),
        ),
        "conclude": (
            "conclude_form",
            lambda: ConcludeForm(post),
            lambda f: svc.conclude(
                insp,
                actor=user,
                conclusion=f.cleaned_data["conclusion"],
                remediation_days=f.cleaned_data["remediation_days"],
            ),
        ),
    }


@login_required
@require_POST
def inspection_action(request: HttpRequest, code: str, action: str) -> HttpResponse:
    insp = _get(request, code)
    user = request.user
    back = redirect("plans:inspection", code=code)
    page_forms = _inspection_forms(request, insp)
    if action in page_forms:
        name, make_form, act = page_forms[action]
        return post_form(
            request,
            make_form(),
            act,
            done=_("Saved."),
            back=back,
            page=lambda form: _detail_page(request, insp, {name: form}),
        )
    if action != "reinspect":
        raise Http404

    def reinspect() -> None:
        # one small form per finding in the findings table: its refusal is a message
        d = cleaned_data(ReinspectForm(request.POST, inspection=insp))
        svc.reinspect_finding(
            d["finding"], actor=user, closed=d["verdict"] == "close", note=d["note"]
        )

    return run_action(request, reinspect, done=_("Saved."), back=back)


def _stored_file(file: Any, name: str) -> FileResponse:
    """A photo or report the inspection holds, opened in the browser: its type judged by its
    content (every upload passed cchc.core.uploads, a PDF, JPEG or PNG)."""
    handle = file.open("rb")
    found = sniff(handle.read(16))
    handle.seek(0)
    if found is None:
        raise Http404
    content_type, ext = found
    return FileResponse(
        handle, content_type=content_type, filename=f"{name}{ext}", as_attachment=False
    )


@login_required
def inspection_photo(request: HttpRequest, code: str, pk: int) -> FileResponse:
    """The photo attached to one checklist answer, for whoever may see the inspection."""
    insp = _get(request, code)
    result = insp.results.filter(pk=pk).exclude(photo="").first()
    if result is None:
        raise Http404
    return _stored_file(result.photo, f"anh-kiem-tra-{insp.code}-{result.item_code}")


@login_required
def inspection_self_report(request: HttpRequest, code: str) -> FileResponse:
    """The unit's self-inspection report, for whoever may see the inspection."""
    insp = _get(request, code)
    if not insp.self_report:
        raise Http404
    return _stored_file(insp.self_report, f"tu-kiem-tra-{insp.code}")


@login_required
def conclusion_pdf(request: HttpRequest, code: str) -> HttpResponse:
    insp = _get(request, code)
    if not insp.concluded_on:
        raise Http404
    response = HttpResponse(exports.conclusion_pdf(insp), content_type="application/pdf")
    response["Content-Disposition"] = exports.disposition(
        "Kết luận kiểm tra", insp.code, extension="pdf", inline=True
    )
    return response


@login_required
def finding_new(request: HttpRequest) -> HttpResponse:
    """Raise a finding, about a unit or (?kind=dossier&ref=<code>) about what it names."""
    initial: dict[str, Any] = {
        "subject_kind": request.GET.get("kind", ""),
        "subject_ref": request.GET.get("ref", ""),
    }
    return _finding_page(request, initial, _("Raise a finding"))


@login_required
def raise_finding(request: HttpRequest, kind: str, ref: str) -> HttpResponse:
    """Raise a finding straight from a dossier, a petition, an evaluation or an index
    drill-down (`plans/_raise_finding_link.html` on their pages): the form comes with the
    source filled in, so the finding keeps its link; the unit is the source's own."""
    if kind not in SubjectKind.values:
        raise Http404
    agency_code = request.GET.get("agency", "")
    if not policies.can_inspect(request.user):
        raise PermissionDenied
    try:
        subject = subjects.resolve(kind, ref, agency_code=agency_code)
    except DomainError as exc:
        raise Http404(exc.message) from exc
    initial: dict[str, Any] = {"subject_kind": kind, "subject_ref": ref}
    heading = _("Raise a finding about %(subject)s") % {"subject": subject["label"]}
    return _finding_page(request, initial, heading, agency_code=subject["agency_code"])


def _finding_page(
    request: HttpRequest, initial: dict[str, Any], heading: str, agency_code: str = ""
) -> HttpResponse:
    if not policies.can_inspect(request.user):
        raise PermissionDenied
    agency_code = agency_code or request.GET.get("agency", "")
    if agency_code:
        initial["agency"] = Agency.objects.filter(code=agency_code).first()
    form = FindingForm(request.POST or None, initial=initial)

    def save(d: dict[str, Any]) -> HttpResponse:
        finding = svc.raise_finding(actor=request.user, **d)
        task = finding.corrective_task
        assert task is not None  # raise_finding always assigns one
        messages.success(
            request,
            _("Finding %(code)s recorded; corrective task %(task)s assigned.")
            % {"code": finding.code, "task": task.code},
        )
        return redirect("plans:task", code=task.code)

    return form_page(request, form, heading, save)
