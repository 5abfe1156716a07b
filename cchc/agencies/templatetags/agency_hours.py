"""`{% reception_hours agency %}`: an agency's reception hours where a citizen looks (its
public page, the dossier page where the result is collected), with "open now" when it can be
said honestly, and a link to change them for whoever may."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from cchc.agencies import hours, services
from cchc.agencies.models import Agency
from cchc.core.calendar import WorkingCalendar

register = template.Library()


@register.inclusion_tag("agencies/_reception_hours.html", takes_context=True)
def reception_hours(context: Any, agency: Agency) -> dict[str, Any]:
    periods = agency.reception_periods()
    request = context.get("request")
    user = getattr(request, "user", None)
    now = None
    if periods and agency.valid_to is None:
        calendar = WorkingCalendar.for_province(agency.province_code)
        now = hours.open_now(periods, timezone.now(), calendar)
    return {
        "agency": agency,
        "periods": hours.rows(periods),
        "now": now,
        "may_edit": bool(user and user.is_authenticated and services.may_edit_hours(user, agency)),
    }
