"""Who is assessed under a PAR template (đối tượng đánh giá, domain.md §7): the one answer that
the progress page, the publication's "unfinished" count, the ranking and the opening of a
self-assessment share.

A unit is assessed under a template when it is
- valid at the end of the template's year (an abolished unit's successors answer for the
  year; a district closed in 2025 has no 2026 index);
- in a ranking group: one the template names (`Template.groups`), or any group when the
  template names none (a unit outside every group is ranked against no one — e.g. a central
  agency located in the province, not scored by the province);
- of the template's unit type, when it names one (`Template.unit_level`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db.models import Q

from cchc.agencies.models import Agency
from cchc.core.validity import in_force_on, is_in_force
from cchc.reform.models import Template


def year_end(year: int) -> dt.date:
    return dt.date(year, 12, 31)


def agency_filter(template: Template, prefix: str = "") -> Q:
    """The agencies assessed under `template`, as a filter (`prefix`: the path to the agency,
    e.g. "agency__" from an assessment)."""
    q = in_force_on(year_end(template.year), start=f"{prefix}valid_from", end=f"{prefix}valid_to")
    group_ids = [g.pk for g in template.groups.all()]
    if group_ids:
        q &= Q(**{f"{prefix}group_id__in": group_ids})
    else:
        q &= Q(**{f"{prefix}group__isnull": False})
    if template.unit_level:
        q &= Q(**{f"{prefix}level": template.unit_level})
    return q


def assessed_agencies(template: Template, province_code: str | None = None) -> Any:
    """The province's agencies assessed under `template` (a queryset)."""
    return Agency.objects.filter(
        agency_filter(template), province_code=province_code or settings.CCHC_PROVINCE_CODE
    )


def assessments_filter(templates: Iterable[Template]) -> Q:
    """The assessments of `templates` whose unit is assessed under its template (none when
    there is no template)."""
    q = Q(pk__in=[])
    for t in templates:
        q |= Q(template=t) & agency_filter(t, "agency__")
    return q


def is_assessed(template: Template, agency: Agency) -> bool:
    """`agency_filter` for one loaded agency."""
    if not is_in_force(agency.valid_from, agency.valid_to, year_end(template.year)):
        return False
    group_ids = {g.pk for g in template.groups.all()}
    if agency.group_id is None or (group_ids and agency.group_id not in group_ids):
        return False
    return not template.unit_level or agency.level == template.unit_level
