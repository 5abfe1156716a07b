"""`{% where_to_submit agencies %}`: on a procedure's public page, where a citizen can take the
dossier — for each agency that receives it, its address and phone, its reception hours and
whether it is open now. The hours and "open now" are the agencies app's own (`hours.rows`,
`hours.open_now` on the province's working-day calendar), read once per province for the
whole list: a commune procedure is received by a hundred wards or more."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django import template
from django.utils import timezone

from cchc.agencies import hours
from cchc.agencies.models import Agency
from cchc.core.calendar import WorkingCalendar
from cchc.core.text import fold

register = template.Library()


@dataclass(frozen=True)
class Place:
    agency: Agency
    periods: list[tuple[str, str]]  # hours.rows: (days, times)
    now: hours.OpenNow | None


def places(agencies: Iterable[Agency], moment: Any = None) -> list[Place]:
    """The agencies as places to go, in the order given, "open now" at `moment` (now)."""
    moment = moment or timezone.now()
    calendars: dict[str, WorkingCalendar] = {}
    out = []
    for agency in agencies:
        periods = agency.reception_periods()
        now = None
        if periods and agency.valid_to is None:
            if agency.province_code not in calendars:
                calendars[agency.province_code] = WorkingCalendar.for_province(agency.province_code)
            now = hours.open_now(periods, moment, calendars[agency.province_code])
        out.append(Place(agency, hours.rows(periods), now))
    return out


@register.inclusion_tag("catalogue/_where_to_submit.html", takes_context=True)
def where_to_submit(context: Any, agencies: Iterable[Agency]) -> dict[str, Any]:
    """The places, narrowed to those whose name or code holds every word of `?place=`
    (accents optional: "hoan kiem" finds "Hoàn Kiếm")."""
    agencies = list(agencies)
    request = context.get("request")
    searched = (request.GET.get("place", "") if request else "").strip()[:100]
    listed = agencies
    if searched:
        words = fold(searched).split()[:8]
        listed = [a for a in agencies if all(w in fold(f"{a.name} {a.code}") for w in words)]
    return {"places": places(listed), "count": len(agencies), "searched": searched}


@register.inclusion_tag("catalogue/_where_to_submit_link.html")
def where_to_submit_link(agencies: Iterable[Agency]) -> dict[str, Any]:
    """The link from the call to action down to where to submit: on a phone the agencies
    come after the whole record, and a counter-only procedure has nothing else to do. It
    leads to the search for one's ward when the list is folded (more than five)."""
    count = len(list(agencies))
    return {"count": count, "target": "place-search" if count > 5 else "agencies"}
