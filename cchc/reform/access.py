"""Who may do what in the PAR INDEX module. Roles: Home Affairs = province administrators
(templates, deadlines, teams, publishing, external indices, targets); unit staff (any
membership of the unit) self-assess; the unit's leader (role LEADER) submits; appraisal team
members appraise, the chair finalises. Read by the services and by the views."""

from __future__ import annotations

from collections.abc import Container
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from cchc.accounts import permissions
from cchc.accounts.models import Membership
from cchc.agencies.models import Agency
from cchc.core.actors import is_system, require_actor
from cchc.core.errors import NotPermitted
from cchc.reform import results
from cchc.reform.models import AppraisalTeam, Assessment


def is_home_affairs(actor: Any) -> bool:
    return is_system(actor) or permissions.is_province_admin(actor)


def require_home_affairs(actor: Any) -> None:
    require_actor(actor)
    if not is_home_affairs(actor):
        raise NotPermitted(_("Only the Department of Home Affairs may do this."))


def is_unit_staff(actor: Any, agency_id: int) -> bool:
    return bool(permissions.roles_in(actor, agency_id))


def is_unit_leader(actor: Any, agency_id: int) -> bool:
    return permissions.has_role(actor, agency_id, [Membership.Role.LEADER])


def teams_of(actor: Any, assessment: Assessment) -> list[AppraisalTeam]:
    if getattr(actor, "pk", None) is None:
        return []
    return [
        t
        for t in AppraisalTeam.objects.filter(
            template=assessment.template, agencies=assessment.agency
        ).prefetch_related("members")
        if t.chair_id == actor.pk or any(m.pk == actor.pk for m in t.members.all())
    ]


def is_appraiser(actor: Any, assessment: Assessment) -> bool:
    return bool(teams_of(actor, assessment)) and not is_unit_staff(actor, assessment.agency_id)


def is_chair(actor: Any, assessment: Assessment) -> bool:
    return any(t.chair_id == getattr(actor, "pk", None) for t in teams_of(actor, assessment))


def appraises_year(actor: Any, year: int) -> bool:
    """Whether `actor` chairs or sits on an appraisal team of a template of `year`."""
    if getattr(actor, "pk", None) is None:
        return False
    return (
        AppraisalTeam.objects.filter(template__year=year)
        .filter(Q(chair=actor) | Q(members=actor))
        .exists()
    )


def appraised_units(actor: Any, year: int) -> set[str]:
    """The codes of the units that a team of `actor` (as chair or member) appraises under a
    template of `year`: an appraiser's view of the year before publication."""
    if getattr(actor, "pk", None) is None:
        return set()
    return set(
        Agency.objects.filter(
            par_teams__in=AppraisalTeam.objects.filter(template__year=year).filter(
                Q(chair=actor) | Q(members=actor)
            )
        ).values_list("code", flat=True)
    )


def sees_every_unit(actor: Any, year: int) -> bool:
    """Whether `actor` may see every unit's assessment and result of `year` before the year's
    results are published: Home Affairs and inspectors (the province's leadership follows the
    index through them). An appraiser (chair or member) sees the units of their own teams only
    (unit_pages): a member who works in another unit must not read that unit's competitors
    before publication. After publication anyone who may read results."""
    return is_home_affairs(actor) or permissions.is_inspector(actor)


def unit_pages(actor: Any, year: int, province_code: str) -> Container[str]:
    """The codes of the units whose result page of `year` `actor` may open and whose row of
    the ranking they see: every unit for those who see every unit (above), and for every
    reader of results (Home Affairs, inspectors, staff, the year's appraisers) once the year
    is published; before, a unit's own staff their own units and an appraiser the units their
    teams appraise (docs/reform.md: a unit never sees another unit's assessment before the
    year's results are published). The result pages answer 403 to the rest, and the indices'
    scorecard links only these (results.index_document's `unit_urls`)."""
    if sees_every_unit(actor, year):
        return permissions.EVERYTHING
    reads_results = permissions.is_staff_member(actor) or appraises_year(actor, year)
    if reads_results and results.published(year, province_code) is not None:
        return permissions.EVERYTHING
    return set(
        Agency.objects.filter(pk__in=permissions.agency_ids(actor)).values_list("code", flat=True)
    ) | appraised_units(actor, year)


def can_view(actor: Any, assessment: Assessment) -> bool:
    """A unit never sees another unit's self-assessment before results are published; after
    publication the staff of every unit may (the readers of the results pages), never a
    citizen or another outsider: the sheet names the appraisers and opens the unit's
    internal documents, while the public sees only the public results page."""
    if is_home_affairs(actor) or permissions.is_inspector(actor):
        return True
    if is_unit_staff(actor, assessment.agency_id) or teams_of(actor, assessment):
        return True
    if not permissions.is_staff_member(actor):
        return False
    return results.published(assessment.template.year, assessment.agency.province_code) is not None
