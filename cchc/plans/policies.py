"""Who may do what with plans, tasks and inspections.

- Assigners: the province's Home Affairs / leaders' office (province administrators) assign
  tasks, decide extensions and verify completion; the user who assigned a task may too.
- Unit staff of the lead unit acknowledge, report progress, complete and ask for extensions;
  co-operating units may report progress; observers only read. Unit leaders are also
  addressed by the overdue digest.
- Inspectors (the read-only inspector role) see every task, and record inspections,
  findings and re-inspections; they never change a dossier (that rule is the dossiers
  module's and stays as it is).
"""

from __future__ import annotations

from collections.abc import Container
from typing import Any

from django.db.models import Q, QuerySet

from cchc.accounts import permissions
from cchc.core.actors import is_system


def _province_wide(user: Any) -> bool:
    return bool(
        user is not None
        and getattr(user, "is_authenticated", False)
        and (
            user.is_superuser
            or permissions.is_province_admin(user)
            or permissions.is_inspector(user)
        )
    )


def can_assign(user: Any) -> bool:
    return is_system(user) or permissions.is_province_admin(user)


def is_assigner_of(user: Any, task: Any) -> bool:
    if is_system(user) or permissions.is_province_admin(user):
        return True
    if task.source_kind == "INSPECTION" and can_inspect(user):
        return True
    return bool(getattr(user, "pk", None) and task.assigned_by_id == user.pk)


def is_lead_staff(user: Any, task: Any) -> bool:
    return is_system(user) or bool(permissions.roles_in(user, task.lead_agency_id))


def may_report_progress(user: Any, task: Any) -> bool:
    if is_lead_staff(user, task):
        return True
    mine = permissions.agency_ids(user)
    return bool(mine & {a.pk for a in task.co_agencies.all()})


def can_see_all(user: Any) -> bool:
    return _province_wide(user)


def visible_tasks(qs: QuerySet, user: Any) -> QuerySet:
    if _province_wide(user):
        return qs
    mine = permissions.agency_ids(user)
    if not mine:
        return qs.none() if not getattr(user, "pk", None) else qs.filter(assigned_by=user)
    return qs.filter(
        Q(lead_agency_id__in=mine)
        | Q(co_agencies__in=mine)
        | Q(observer_agencies__in=mine)
        | Q(assigned_by=user)
    ).distinct()


def can_see_task(user: Any, task: Any) -> bool:
    return visible_tasks(type(task).objects.filter(pk=task.pk), user).exists()


def can_inspect(user: Any) -> bool:
    """Record inspections and findings: inspectors and Home Affairs."""
    return is_system(user) or permissions.is_inspector(user) or permissions.is_province_admin(user)


def may_report_remediation(user: Any, agency_id: int) -> bool:
    return is_system(user) or bool(permissions.roles_in(user, agency_id))


def sees_agency(user: Any, agency_id: int) -> bool:
    return _province_wide(user) or bool(permissions.roles_in(user, agency_id))


def units_seen(user: Any) -> Container[int]:
    """The agency ids whose unit pages `user` may open (`sees_agency`), for a page to link
    only those: every one for the province-wide readers."""
    return permissions.EVERYTHING if _province_wide(user) else permissions.agency_ids(user)
