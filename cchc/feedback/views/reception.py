"""The citizen reception schedule (lịch tiếp công dân): the public list and a new session."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from cchc.accounts import permissions
from cchc.accounts.models import Membership
from cchc.agencies.models import Agency
from cchc.core.calendar import LOCAL_TZ
from cchc.core.idempotency import once_per_form
from cchc.feedback import reception as reception_schedule
from cchc.feedback.forms import ReceptionForm
from cchc.feedback.models import ReceptionSlot
from cchc.feedback.views._shared import form_page, paged


def reception(request: HttpRequest) -> HttpResponse:
    today = timezone.now().astimezone(LOCAL_TZ).date()
    qs = ReceptionSlot.objects.upcoming(today).select_related("agency")
    agency_code = request.GET.get("agency", "")
    if agency_code:
        qs = qs.filter(agency__code=agency_code)
    agencies = Agency.objects.filter(reception_slots__day__gte=today).distinct().order_by("name")
    can_add = request.user.is_authenticated and (
        permissions.is_province_admin(request.user)
        or bool(
            permissions.agency_ids(
                request.user, roles=[Membership.Role.LEADER, Membership.Role.AGENCY_ADMIN]
            )
        )
    )
    return render(
        request,
        "feedback/reception.html",
        {
            "page": paged(request, qs),
            "agencies": agencies,
            "agency_code": agency_code,
            "can_add": can_add,
        },
    )


@login_required
@once_per_form
def reception_new(request: HttpRequest) -> HttpResponse:
    form = ReceptionForm(request.POST or None, user=request.user)

    def save(data: dict[str, Any]) -> HttpResponse:
        reception_schedule.schedule_reception(actor=request.user, **data)
        messages.success(request, _("The reception session has been published."))
        return redirect("feedback:reception")

    return form_page(request, form, _("New citizen reception session"), save)
