"""Staff pages for one-stop dossiers: intake, work queues, the dossier page and its actions.

Views are thin: they parse forms, call `cchc.dossiers.services`, and show DomainError
messages on the same form. One URL serves the full page and, for htmx, its fragment.
"""

from __future__ import annotations

import functools
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cchc.accounts import permissions
from cchc.catalogue.models import Procedure
from cchc.core.calendar import LOCAL_TZ
from cchc.core.errors import DomainError, TransitionNotAllowed
from cchc.core.htmx import is_htmx, redirect_page, render_page, work_card
from cchc.core.idempotency import once_per_form
from cchc.core.pagination import CappedPaginator
from cchc.core.rendering import add_domain_error
from cchc.dossiers import policies, queries, services
from cchc.dossiers.forms import (
    ACTION_FORMS,
    IntakeForm,
    QueueFilterForm,
    competent_selection,
    staff_options,
)
from cchc.dossiers.models import DigitizedDocument, Dossier, Evaluation
from cchc.dossiers.state import ACTION_RULES

PAGE_SIZE = 25


def _require_staff(user: Any) -> None:
    """Work pages are for agency staff, province administrators and inspectors."""
    if not (
        permissions.is_staff_member(user)
        or permissions.is_province_admin(user)
        or permissions.is_inspector(user)
    ):
        raise PermissionDenied(_("This page is for agency staff."))


def _visible_dossier(user: Any, code: str) -> Dossier:
    """404, not 403, for a dossier outside the user's agencies: its existence is not disclosed."""
    qs = queries.with_related(Dossier.objects.visible_to(user)).select_related(
        "receiving_place", "rule_version"
    )
    return get_object_or_404(qs, code=code)


def _can_intake(user: Any) -> bool:
    """A counter clerk of some agency: the intake page and the links to it."""
    return bool(permissions.agency_ids(user, roles=policies.INTAKE_ROLES))


# -- work queues ----------------------------------------------------------------------------
@login_required
def queue(request: HttpRequest) -> HttpResponse:
    _require_staff(request.user)
    key = request.GET.get("queue") or (
        "agency" if permissions.is_staff_member(request.user) else "all"
    )
    if key not in queries.QUEUES:
        key = "agency"
    form = QueueFilterForm(request.GET or None)
    qs = queries.queue(request.user, key)
    # a filter that cannot be read (received_from=2026-13-45) lists nothing and says why:
    # the whole queue under it read as if it had been filtered
    filter_invalid = form.is_bound and not form.is_valid()
    if filter_invalid:
        qs = qs.none()
    elif form.is_valid():
        d = form.cleaned_data
        qs = queries.apply_filter(
            qs,
            queries.DossierFilter(
                q=d["q"],
                status=d["status"],
                procedure=d["procedure"],
                agency=d["agency"],
                received_from=d["received_from"],
                received_to=d["received_to"],
            ),
        )
    qs = queries.with_supplement_sent(queries.with_related(qs)).order_by(
        *queries.QUEUE_ORDER[key], "pk"
    )
    page = CappedPaginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    tab_params = params.copy()
    tab_params.pop("queue", None)
    context = {
        "form": form,
        "filter_invalid": filter_invalid,
        # an empty list under a search or a filter says so, not that the queue is empty
        "filtered": form.is_valid() and any(form.cleaned_data.values()),
        "page": page,
        "queue_key": key,
        "queues": queries.QUEUES,
        "query": params.urlencode(),
        "tab_query": tab_params.urlencode(),
        "now": timezone.now(),
        "can_intake": _can_intake(request.user),
    }
    return render_page(
        request,
        "dossiers/queue.html",
        context,
        fragment="dossiers/_queue_results.html",
        target="queue-results",
    )


# the staff home page's card: how many dossiers wait in each queue that asks for action
MY_WORK_QUEUES = (
    ("mine", False),
    ("due_soon", False),
    ("overdue", True),
    ("supplement", False),
    ("online", False),
    ("to_return", False),
)


@login_required
def my_work(request: HttpRequest) -> HttpResponse:
    _require_staff(request.user)
    return work_card(
        request,
        title=_("One-stop dossiers"),
        list_url=reverse("dossiers:queue"),
        param="queue",
        tabs=queries.QUEUES,
        counts={
            key: (queries.queue(request.user, key).count(), alarm) for key, alarm in MY_WORK_QUEUES
        },
        more_label=_("Open the work queue"),
    )


# -- counter intake -------------------------------------------------------------------------
def _procedure_options(q: str, selected: Procedure | None) -> list[Procedure]:
    qs = Procedure.objects.published().select_related("field")
    if q:
        qs = qs.search(q)
    options = list(qs.order_by("code")[:30])
    if selected is not None and selected not in options:
        options.insert(0, selected)
    return options


@login_required
@once_per_form
def intake(request: HttpRequest) -> HttpResponse:
    """Counter intake. htmx parts: `?part=procedures&q=` (procedure picker search) and
    `?part=competent&procedure=&receiving_agency=&competent_agency=&competent_offered=`
    (competent agencies limited to the procedure's agencies, refreshed when the procedure or
    the receiving agency changes)."""
    if not _can_intake(request.user):
        raise PermissionDenied(_("Only counter clerks receive dossiers."))
    part = request.GET.get("part")
    if is_htmx(request) and part == "procedures":
        return render(
            request,
            "dossiers/_procedure_options.html",
            {"procedures": _procedure_options(request.GET.get("q", ""), None)},
        )
    if is_htmx(request) and part == "competent":
        procedure = (
            Procedure.objects.published().filter(pk=request.GET.get("procedure") or 0).first()
            if (request.GET.get("procedure") or "").isdigit()
            else None
        )
        agencies = list(procedure.agencies.order_by("name", "code")) if procedure else []
        selected, offered = competent_selection(
            agencies,
            request.GET.get("receiving_agency"),
            request.GET.get("competent_agency"),
            request.GET.get("competent_offered"),
        )
        return render(
            request,
            "dossiers/_competent_options.html",
            {
                "agencies": agencies,
                "selected": selected,
                "offered": offered,
                "fee": procedure.total_fee if procedure else None,
            },
        )
    if is_htmx(request) and part in ("checklist", "reusable"):
        # the chosen procedure's checklist, or the citizen's earlier documents (by the ID typed)
        partial = IntakeForm(initial=request.GET.dict(), user=request.user)
        return render(
            request,
            f"dossiers/_intake_{part}.html",
            {"form": partial, "reusable": partial.reusable_lines() if part == "reusable" else []},
        )
    form = IntakeForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            dossier = services.intake_at_counter(
                procedure=d["procedure"],
                receiving_place=d["receiving_place"],
                receiving_agency=d["receiving_agency"],
                competent_agency=d["competent_agency"],
                applicant=form.applicant(),
                actor=request.user,
                fee_amount=d.get("fee_amount"),
                checklist=form.checklist() if form.components else None,
                scans=form.scans(),
                reused=form.reused(),
            )
        except DomainError as exc:
            if exc.status == 403:
                form.add_error("receiving_place", exc.message)
            else:
                add_domain_error(form, exc)
        else:
            messages.success(request, _("Dossier %(code)s received.") % {"code": dossier.code})
            return redirect("dossiers:receipt", code=dossier.code)
    selected = (
        form.cleaned_data.get("procedure")
        if form.is_bound and hasattr(form, "cleaned_data")
        else None
    )
    form.limit_choices(
        _procedure_options("", selected),
        selected.agencies.order_by("name", "code") if selected else [],
    )
    return render(
        request, "dossiers/intake.html", {"form": form, "reusable": form.reusable_lines()}
    )


@login_required
def receipt(request: HttpRequest, code: str) -> HttpResponse:
    """Receipt and appointment (form 01) as a page the clerk prints or hands over."""
    _require_staff(request.user)
    dossier = _visible_dossier(request.user, code)
    if dossier.received_at is None:  # no receipt before intake: back to the dossier, in words
        messages.info(
            request,
            _("Dossier %(code)s has not been received yet, so there is no receipt.")
            % {"code": dossier.code},
        )
        return redirect("dossiers:detail", code=dossier.code)
    return render(
        request,
        "dossiers/receipt.html",
        {
            "dossier": dossier,
            "derivation": services.due_derivation(dossier),
            "can_intake": _can_intake(request.user),
        },
    )


# -- the dossier page and its actions -------------------------------------------------------
def _action_item(dossier: Dossier, action: str, form: Any) -> dict[str, Any]:
    """One action of the dossier page: its label, form, address, and the question asked
    before a step that cannot be undone (state.ActionRule.confirm)."""
    return {
        "action": action,
        "label": queries.ACTION_LABELS[action],
        "form": form,
        "url": reverse("dossiers:action", args=[dossier.code, action]),
        "confirm": ACTION_RULES[action].confirm,
    }


def _detail_context(
    request: HttpRequest, dossier: Dossier, bound: dict[str, Any] | None = None
) -> dict[str, Any]:
    actions = queries.available_actions(request.user, dossier)
    forms = [
        _action_item(
            dossier,
            action,
            (bound or {}).get(action) or ACTION_FORMS[action](dossier=dossier, prefix=action),
        )
        for action in actions
    ]
    events = list(dossier.events.select_related("agency", "target_agency").order_by("seq"))
    issued = request.GET.get("issued", "")
    return {
        "dossier": dossier,
        "events": events,
        # the form the action just taken issued, offered for printing at the top of the page
        "issued": next((e for e in events if e.form_key and str(e.seq) == issued), None),
        "steps": queries.step_flags(dossier),
        "derivation": services.due_derivation(dossier),
        "action_forms": forms,
        "withheld": queries.withheld_actions(request.user, dossier),
        # the hint over the applicant's supplement files names the button by its own label
        "receive_supplement_label": queries.ACTION_LABELS["receive_supplement"],
        "read_only": permissions.is_inspector(request.user),
        "documents": queries.dossier_documents(dossier),
        "checklist": dossier.checklist.all(),
        "supplement_uploads": dossier.supplement_uploads.select_related("document").filter(
            received_at__isnull=True
        ),
        "now": timezone.now(),
    }


@login_required
def document(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """Open one document of a dossier the user may see (scans, supplements, the result).
    404 for anything else: neither the dossier nor the document is disclosed."""
    from django.http import FileResponse

    _require_staff(request.user)
    dossier = _visible_dossier(request.user, code)
    # the dossier's documents, and the files the applicant sent for a supplement not yet received
    doc = get_object_or_404(
        DigitizedDocument.objects.filter(
            Q(uses__dossier=dossier) | Q(pk__in=dossier.supplement_uploads.values("document_id"))
        ).distinct(),
        pk=pk,
    )
    return FileResponse(
        doc.file.open("rb"), content_type=doc.content_type, filename=doc.name, as_attachment=False
    )


@login_required
def detail(request: HttpRequest, code: str) -> HttpResponse:
    _require_staff(request.user)
    dossier = _visible_dossier(request.user, code)
    if is_htmx(request) and request.GET.get("part") == "assignees":
        # the transfer form's assignee list for the agency just chosen (TransferForm)
        return render(
            request,
            "dossiers/_assignee_options.html",
            {"options": staff_options(request.GET.get("transfer-to_agency"))},
        )
    context = _detail_context(request, dossier)
    # the applicant's rating, shown to staff below the dossier (not part of the htmx fragment)
    context["evaluation"] = Evaluation.objects.filter(dossier=dossier).first()
    return render_page(
        request,
        "dossiers/detail.html",
        context,
        fragment="dossiers/_detail_main.html",
        target="dossier-main",
    )


def _htmx_navigation(view: Any) -> Any:
    """`once_per_form` keeps the redirect (3xx) of the first sending of a form's key and sends
    a second sending to it; an htmx request needs a full-page navigation instead
    (`HX-Redirect`). The view under it answers plain redirects; this turns them, the first
    sending's and the replayed one alike, into htmx navigations for htmx requests."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if (
            is_htmx(request)
            and 300 <= response.status_code < 400
            and response.has_header("Location")
        ):
            return redirect_page(request, response["Location"])
        return response

    return wrapper


@login_required
@require_POST
@_htmx_navigation
@once_per_form  # a double click or a resend goes to the first sending's result, quietly
def action(request: HttpRequest, code: str, action: str) -> HttpResponse:
    if action not in ACTION_FORMS:
        raise Http404
    dossier = _visible_dossier(request.user, code)
    if not policies.can(request.user, action, dossier):
        why = policies.denial(request.user, action, dossier)
        if why:
            # the dossier was handed over since the page was opened: the page as it is now,
            # saying who takes the action there, rather than a bare "forbidden"
            messages.error(request, _("You may not do this: %(why)s.") % {"why": why})
            return redirect("dossiers:detail", code=dossier.code)
        raise PermissionDenied(
            _("You are not allowed to do this on dossier %(code)s.") % {"code": dossier.code}
        )
    form = ACTION_FORMS[action](request.POST, request.FILES or None, dossier=dossier, prefix=action)
    if form.is_valid():
        try:
            changed = getattr(services, action)(
                dossier, actor=request.user, **form.service_kwargs()
            )
        except DomainError as exc:
            if exc.status == 403:
                raise PermissionDenied(exc.message) from exc
            if isinstance(exc, TransitionNotAllowed):
                # the dossier moved on since the page was opened (another clerk acted): show
                # it as it is now, with the refusal, rather than the stale page and its buttons
                messages.error(request, exc.message)
                return redirect("dossiers:detail", code=dossier.code)
            add_domain_error(form, exc)
        else:
            messages.success(
                request,
                _("%(action)s: done for dossier %(code)s.")
                % {"action": queries.ACTION_LABELS[action], "code": dossier.code},
            )
            step = queries.open_step_past_due(changed) if action == "transfer" else None
            if step is not None:
                messages.warning(
                    request,
                    _(
                        "The step “%(step)s” is due at %(step_due)s, after the dossier's "
                        "appointment (%(due)s): shorten the step or apologise with a new date "
                        "(form 04)."
                    )
                    % {
                        "step": step.name,
                        "step_due": step.due_at.astimezone(LOCAL_TZ).strftime("%H:%M %d/%m/%Y"),
                        "due": changed.due_at.astimezone(LOCAL_TZ).strftime("%H:%M %d/%m/%Y"),
                    },
                )
            if not policies.can_view(request.user, changed):
                # handed over out of the user's sight (another agency's work): the queue, where
                # the message says it was done, rather than a "page not found" that reads as if
                # the hand-over had failed
                return redirect("dossiers:queue")
            if ACTION_RULES[action].form:
                # the form the action issued (02, 03, 04, 05) is offered at once for printing
                event = changed.events.filter(action=action).order_by("-seq").first()
                if event is not None:
                    return redirect(
                        reverse("dossiers:detail", args=[dossier.code]) + f"?issued={event.seq}"
                    )
            return redirect("dossiers:detail", code=dossier.code)
    if is_htmx(request):
        return render(
            request,
            "dossiers/_action_form.html",
            {
                "item": _action_item(dossier, action, form),
                "dossier": dossier,
            },
        )  # 200: htmx swaps only successful responses; the errors are in the fragment
    dossier.refresh_from_db()
    return render(
        request,
        "dossiers/detail.html",
        _detail_context(request, dossier, bound={action: form}),
        status=400,
    )
