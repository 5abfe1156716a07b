"""The complaints and denunciations register (khiếu nại, tố cáo): the list, a new entry and
one complaint's page with its actions (complaints service)."""

from __future__ import annotations

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
from cchc.core import rendering
from cchc.core.errors import DomainError
from cchc.core.idempotency import once_per_form
from cchc.feedback import complaints as complaint_register
from cchc.feedback.forms import ComplaintForm
from cchc.feedback.models import Complaint
from cchc.feedback.views._shared import form_page, paged

COMPLAINT_DONE = {
    "accept": gettext_lazy("The complaint is accepted for settlement."),
    "extend": gettext_lazy("The settlement time is extended."),
    "settle": gettext_lazy("The settlement is recorded."),
    "refuse": gettext_lazy("The refusal to accept is recorded."),
}


@login_required
def complaints(request: HttpRequest) -> HttpResponse:
    qs = Complaint.objects.visible_to(request.user).select_related("agency")
    status = request.GET.get("status", "")
    if status:
        qs = qs.filter(status=status)
    can_file = permissions.is_province_admin(request.user) or bool(
        permissions.agency_ids(request.user, roles=[Membership.Role.LEADER])
    )
    if not (can_file or permissions.is_inspector(request.user) or request.user.is_superuser):
        raise PermissionDenied
    return render(
        request,
        "feedback/complaints.html",
        {"page": paged(request, qs), "can_file": can_file, "now": timezone.now()},
    )


@login_required
@once_per_form
def complaint_new(request: HttpRequest) -> HttpResponse:
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
                    raise DomainError(str(exc)) from exc
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

        back = redirect("feedback:complaint", code=code)
        done = COMPLAINT_DONE.get(request.POST.get("action", ""), gettext_lazy("Saved."))
        return rendering.run_action(request, handle, done=str(done), back=back)
    return render(
        request,
        "feedback/complaint_detail.html",
        {
            "complaint": complaint,
            "events": complaint.events.order_by("seq"),
            "complexities": Complaint.Complexity.choices,
            "can_act": not permissions.is_inspector(request.user),
        },
    )
