"""Staff pages of the procedure catalogue: list, record, editor. Every write via services."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cchc.agencies.models import Agency
from cchc.catalogue import exports, services
from cchc.catalogue.forms import (
    DocumentFormSet,
    FilterForm,
    ProcedureForm,
    PublishForm,
    StepFormSet,
    WithdrawForm,
    documents_from,
    steps_from,
)
from cchc.catalogue.models import (
    CatalogueChange,
    Field,
    Procedure,
    RequiredDocument,
    StepTemplate,
    TimeUnit,
)
from cchc.catalogue.services import num_text
from cchc.core.errors import DomainError
from cchc.core.htmx import render_page
from cchc.core.rendering import add_domain_error

PAGE_SIZE = 25
# rows of a procedure's history of changes on one page of its record
HISTORY_PAGE_SIZE = 20


def _incomplete() -> Q:
    """The seven mandatory core fields in SQL (mirrors Procedure.missing_core_fields)."""
    docs = RequiredDocument.objects.filter(procedure=OuterRef("pk"))
    steps = StepTemplate.objects.filter(procedure=OuterRef("pk"))
    agencies = Procedure.agencies.through.objects.filter(procedure_id=OuterRef("pk"))
    return (
        Q(name="")
        | Q(submission_means="")
        | Q(applicant_types="")
        | ~Exists(docs)
        | ~Exists(agencies)
        | (Q(steps_description="") & ~Exists(steps))
        | (~Q(time_unit=TimeUnit.SAME_DAY) & Q(processing_time=0))
    )


def _filtered(form: FilterForm) -> QuerySet[Procedure]:
    qs = Procedure.objects.select_related("field").order_by("code")
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            qs = qs.search(data["q"])
        if data["status"]:
            qs = qs.filter(status=data["status"])
        if data["field"]:
            qs = qs.filter(field=data["field"])
        if data["online_level"]:
            qs = qs.filter(online_level=data["online_level"])
        if data["agency"]:
            qs = qs.filter(agencies=data["agency"])
        if data["incomplete"]:
            qs = qs.filter(_incomplete())
    return qs.distinct()


@login_required
def procedure_list(request: HttpRequest) -> HttpResponse:
    if not services.can_read(request.user):
        raise PermissionDenied
    form = FilterForm(request.GET or None)
    page = Paginator(_filtered(form), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "can_manage": services.can_manage(request.user),
        "export_query": query.urlencode(),
    }
    return render_page(request, "catalogue/list.html", context, fragment="catalogue/_results.html")


@login_required
def procedure_export(request: HttpRequest) -> HttpResponse:
    """The procedures the list shows (same filters), as an Excel workbook."""
    if not services.can_read(request.user):
        raise PermissionDenied
    rows = _filtered(FilterForm(request.GET or None)).prefetch_related("agencies")
    content = exports.procedures_xlsx(rows)
    return HttpResponse(
        content,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={
            "Content-Disposition": content_disposition_header(
                True, f"{_('Procedure catalogue')}.xlsx"
            )
        },
    )


def _names_in(changes: list[CatalogueChange]) -> dict[str, dict[str, str]]:
    """The names of the agencies and fields a page of the history names by their codes (the
    log keeps codes, which stay the same when a name changes), in two queries."""
    codes: dict[str, set[str]] = {"agencies": set(), "field": set()}
    for change in changes:
        for key, found in codes.items():
            value = (change.data or {}).get(key)
            for item in value if isinstance(value, list) else [value]:
                if isinstance(item, list):
                    found.update(v for v in item if isinstance(v, str))
                elif isinstance(item, str):
                    found.add(item)
    return {
        "agencies": {
            code: f"{name} ({code})"
            for code, name in Agency.objects.filter(code__in=codes["agencies"]).values_list(
                "code", "name"
            )
        },
        "field": dict(Field.objects.filter(code__in=codes["field"]).values_list("code", "name")),
    }


def _terms_text(amount: Decimal, unit: str) -> str:
    """A time limit as the record page writes it: "15 working days", "same day"."""
    label = str(TimeUnit(unit).label) if unit in TimeUnit.values else unit
    return label if unit == TimeUnit.SAME_DAY else f"{num_text(amount)} {label}"


def _detail(
    request: HttpRequest,
    procedure: Procedure,
    *,
    publish_form: PublishForm | None = None,
) -> HttpResponse:
    steps = list(procedure.step_templates.select_related("agency"))
    pending = procedure.pending_amendments()
    history = Paginator(procedure.changes.select_related("actor"), HISTORY_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    names = _names_in([*history, *pending])
    for change in [*history, *pending]:
        change.lines = change.field_summary(names)  # type: ignore[attr-defined]
    budget = services.step_budget_hours(procedure, [s.working_hours for s in steps])
    if publish_form is None:
        # a draft's decision typed in the editor is offered for its publication; a withdrawn
        # procedure is published again only by a new decision
        publish_form = PublishForm(
            initial={
                "publication_decision": procedure.publication_decision,
                "announced_on": procedure.announced_on,
            }
            if not procedure.is_withdrawn
            else {}
        )
    return render(
        request,
        "catalogue/detail.html",
        {
            "procedure": procedure,
            "steps": steps,
            "step_hours": budget[0].normalize() if budget else None,
            "legal_hours": budget[1].normalize() if budget else None,
            "steps_short": bool(budget and budget[0] < budget[1]),
            "missing": [services.CORE_FIELD_LABELS[m] for m in procedure.missing_core_fields()],
            "history": history,
            "pending": pending,
            "terms_now": _terms_text(*procedure.terms_on(timezone.now())) if pending else "",
            "can_edit": services.can_edit(request.user, procedure),
            "publish_form": publish_form,
        },
    )


@login_required
def procedure_detail(request: HttpRequest, pk: int) -> HttpResponse:
    if not services.can_read(request.user):
        raise PermissionDenied
    procedure = get_object_or_404(Procedure.objects.select_related("field"), pk=pk)
    return _detail(request, procedure)


def _editor(request: HttpRequest, procedure: Procedure | None) -> HttpResponse:
    instance = procedure or Procedure()
    province = settings.CCHC_PROVINCE_CODE
    kept = {
        "kept_agencies": [
            a for a in instance.step_templates.values_list("agency_id", flat=True) if a
        ]
        if procedure
        else []
    }
    if request.method == "POST":
        form = ProcedureForm(request.POST, instance=instance, province_code=province)
        documents = DocumentFormSet(request.POST, request.FILES, instance=instance, prefix="docs")
        steps = StepFormSet(request.POST, prefix="steps", form_kwargs=kept)
        if form.is_valid() and documents.is_valid() and steps.is_valid():
            try:
                kwargs = {
                    "actor": request.user,
                    "data": form.record(),
                    "agencies": list(form.cleaned_data["agencies"]),
                    "documents": documents_from(documents),
                    "steps": steps_from(steps),
                }
                if procedure is None:
                    saved = services.create_procedure(**kwargs)
                    messages.success(
                        request, _("Procedure %(code)s filed as a draft.") % {"code": saved.code}
                    )
                else:
                    saved = services.update_procedure(
                        procedure,
                        loaded_at=form.cleaned_data.get("loaded_at"),
                        **form.amending_decision(),
                        **kwargs,
                    )
                    messages.success(request, _("Procedure %(code)s saved.") % {"code": saved.code})
                return redirect("catalogue:detail", pk=saved.pk)
            except DomainError as exc:
                if exc.status == 403:
                    raise PermissionDenied(exc.message) from exc
                add_domain_error(form, exc)
    else:
        form = ProcedureForm(instance=instance, province_code=province)
        documents = DocumentFormSet(instance=instance, prefix="docs")
        initial = (
            [
                {"name": s.name, "agency": s.agency, "working_hours": s.working_hours.normalize()}
                for s in instance.step_templates.all()
            ]
            if procedure
            else []
        )
        steps = StepFormSet(prefix="steps", initial=initial, form_kwargs=kept)
    return render(
        request,
        "catalogue/edit.html",
        {"form": form, "documents": documents, "steps": steps, "procedure": procedure},
    )


@login_required
def procedure_create(request: HttpRequest) -> HttpResponse:
    if not services.can_manage(request.user):
        raise PermissionDenied
    return _editor(request, None)


def _editable(request: HttpRequest, pk: int) -> Procedure:
    """The procedure the user may edit (404 when there is none, 403 when not theirs)."""
    procedure = get_object_or_404(Procedure, pk=pk)
    if not services.can_edit(request.user, procedure):
        raise PermissionDenied
    return procedure


@login_required
def procedure_edit(request: HttpRequest, pk: int) -> HttpResponse:
    procedure = _editable(request, pk)
    return _editor(request, procedure)


@login_required
@require_POST
def procedure_publish(request: HttpRequest, pk: int) -> HttpResponse:
    procedure = _editable(request, pk)
    form = PublishForm(request.POST)
    if form.is_valid():
        try:
            services.publish_procedure(
                procedure,
                actor=request.user,
                decision=form.cleaned_data["publication_decision"],
                announced_on=form.cleaned_data["announced_on"],
            )
            messages.success(request, _("Procedure %(code)s published.") % {"code": procedure.code})
            return redirect("catalogue:detail", pk=pk)
        except DomainError as exc:
            if exc.field in form.fields:
                add_domain_error(form, exc)
            else:
                messages.error(request, exc.message)
                return redirect("catalogue:detail", pk=pk)
    # the decision as typed, with what is wrong with it, on the record page again
    return _detail(request, procedure, publish_form=form)


@login_required
def procedure_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """The confirmation page of a withdrawal (bãi bỏ): how many dossiers of the procedure
    are still in progress (they continue to their result), and the reason."""
    procedure = _editable(request, pk)
    try:
        services.check_withdrawable(procedure)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("catalogue:detail", pk=pk)
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.withdraw_procedure(
                procedure, actor=request.user, reason=form.cleaned_data["reason"]
            )
            messages.success(request, _("Procedure %(code)s withdrawn.") % {"code": procedure.code})
            return redirect("catalogue:detail", pk=pk)
        except DomainError as exc:
            add_domain_error(form, exc)
    # through the reverse relation of the dossiers' procedure (the catalogue does not import
    # the dossiers app): received, in processing, waiting for a supplement or for payment
    in_progress = procedure.dossiers.open().count()  # type: ignore[attr-defined]
    return render(
        request,
        "catalogue/withdraw.html",
        {"procedure": procedure, "form": form, "in_progress": in_progress},
    )
