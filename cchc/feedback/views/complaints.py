"""The complaints and denunciations register (khiếu nại, tố cáo): the list, a new entry and
one complaint's page with its actions (complaints service)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cchc.accounts import permissions
from cchc.accounts.models import Membership
from cchc.core.errors import DomainError, ValidationFailed
from cchc.core.idempotency import once_per_form
from cchc.core.text import matches_folded
from cchc.feedback import complaints as complaint_register
from cchc.feedback.forms import ComplaintForm
from cchc.feedback.models import Complaint, ComplaintKind, ComplaintStatus
from cchc.feedback.reports import complaint_register_xlsx
from cchc.feedback.views._shared import form_page, paged

# "due soon" in the register: within a week, the shortest step (a denunciation's acceptance,
# 7 working days) still leaves time to act
DUE_SOON_DAYS = 7

COMPLAINT_DONE = {
    "accept": gettext_lazy("The complaint is accepted for settlement."),
    "extend": gettext_lazy("The settlement time is extended."),
    "settle": gettext_lazy("The settlement is recorded."),
    "refuse": gettext_lazy("The refusal to accept is recorded."),
}


def _can_file(user: Any) -> bool:
    """Who registers a complaint or denunciation: a province administrator (a superuser
    counts as one) or an agency's leader (the service checks the chosen agency itself)."""
    return permissions.is_province_admin(user) or bool(
        permissions.agency_ids(user, roles=[Membership.Role.LEADER])
    )


def _register_filtered(request: HttpRequest) -> tuple[Any, dict[str, str]]:
    """The visible register narrowed by the list's filters: status, kind, overdue only, and a
    search on the code, the complainant's name or what is complained about."""
    qs = Complaint.objects.visible_to(request.user).select_related("agency")
    filters = {
        name: request.GET.get(name, "").strip() for name in ("status", "kind", "late", "soon", "q")
    }
    if filters["status"] in ComplaintStatus.values:
        qs = qs.filter(status=filters["status"])
    else:
        filters["status"] = ""
    if filters["kind"] in ComplaintKind.values:
        qs = qs.filter(kind=filters["kind"])
    else:
        filters["kind"] = ""
    if filters["late"]:
        filters["late"] = "1"
        qs = qs.overdue(timezone.now())
    if filters["soon"]:
        # a warning before the deadline, not only a mark once it has passed
        filters["soon"] = "1"
        now = timezone.now()
        qs = qs.due_soon(now + dt.timedelta(days=DUE_SOON_DAYS), now)
    if filters["q"]:
        qs = qs.filter(matches_folded("search_text", filters["q"]))
    return qs, filters


@login_required
def complaints(request: HttpRequest) -> HttpResponse:
    can_file = _can_file(request.user)
    if not (can_file or permissions.is_inspector(request.user)):
        raise PermissionDenied
    qs, filters = _register_filtered(request)
    if request.GET.get("format") == "xlsx":
        response = HttpResponse(
            complaint_register_xlsx(qs.order_by("-received_at")),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = 'attachment; filename="so-khieu-nai-to-cao.xlsx"'
        return response
    query = request.GET.copy()
    query.pop("page", None)
    query["format"] = "xlsx"
    return render(
        request,
        "feedback/complaints.html",
        {
            "page": paged(request, qs),
            "can_file": can_file,
            "filters": filters,
            "statuses": ComplaintStatus.choices,
            "kinds": ComplaintKind.choices,
            "export_query": query.urlencode(),
            "due_soon_days": DUE_SOON_DAYS,
        },
    )


@login_required
@once_per_form
def complaint_new(request: HttpRequest) -> HttpResponse:
    # a restricted register: the form is not even shown to who may not file (clerks,
    # specialists, inspectors, citizens); the service checks the chosen agency again
    if not _can_file(request.user):
        raise PermissionDenied
    form = ComplaintForm(request.POST or None, user=request.user)

    def save(data: dict[str, Any]) -> HttpResponse:
        complaint = complaint_register.file_complaint(actor=request.user, **data)
        messages.success(request, _("Registered as %(code)s.") % {"code": complaint.code})
        return redirect("feedback:complaint", code=complaint.code)

    return form_page(request, form, _("Register a complaint or denunciation"), save)


@login_required
def complaint_detail(request: HttpRequest, code: str) -> HttpResponse:
    complaint = (
        Complaint.objects.visible_to(request.user)
        .select_related("agency", "source_petition")
        .filter(code=code)
        .first()
    )
    if complaint is None:
        raise Http404
    if request.method == "POST":
        user, post = request.user, request.POST

        def handle() -> None:
            action = post.get("action", "")
            if action == "accept":
                try:
                    complexity = int(post.get("complexity") or 0)
                except ValueError as exc:  # a hand-made post: refused like a service's refusal
                    # (Python's own text, "invalid literal for int()...", is no answer to show)
                    raise ValidationFailed(
                        _("Choose the case's complexity from the list."), field="complexity"
                    ) from exc
                complaint_register.accept_complaint(complaint, actor=user, complexity=complexity)
            elif action == "extend":
                complaint_register.extend_complaint(
                    complaint, actor=user, reason=post.get("reason", "")
                )
            elif action == "settle":
                complaint_register.settle_complaint(
                    complaint, actor=user, outcome=post.get("outcome", "")
                )
            elif action == "refuse":
                complaint_register.refuse_complaint(
                    complaint, actor=user, reason=post.get("reason", "")
                )
            else:
                raise DomainError(_("Unknown action."))

        try:
            handle()
        except DomainError as exc:
            # refused: the page again with what was typed (a conclusion written at length,
            # a refusal's or an extension's reason), not a redirect that emptied the form
            messages.error(request, exc.message)
            complaint = Complaint.objects.select_related("agency", "source_petition").get(
                pk=complaint.pk
            )
            return _complaint_page(request, complaint, posted=post)
        done = COMPLAINT_DONE.get(post.get("action", ""), gettext_lazy("Saved."))
        messages.success(request, str(done))
        return redirect("feedback:complaint", code=code)
    return _complaint_page(request, complaint)


def _complaint_page(request: HttpRequest, complaint: Complaint, posted: Any = None) -> HttpResponse:
    """One case's page; `posted`: the refused action's form as it was sent, shown again."""
    extensions_allowed = complaint_register.extensions_allowed(complaint)
    return render(
        request,
        "feedback/complaint_detail.html",
        {
            "complaint": complaint,
            "events": complaint.events.order_by("seq"),
            "complexities": Complaint.Complexity.choices,
            "can_act": not permissions.is_inspector(request.user),
            "extensions_allowed": extensions_allowed,
            # the extension form only while one is left (a normal-complexity denunciation
            # has none: the leader typed a reason only to be refused)
            "can_extend": complaint.extensions < extensions_allowed,
            "failed": (posted or {}).get("action", ""),
            "posted": posted or {},
        },
    )
