"""Who may do what in surveys. Home Affairs (the province administrator of the campaign's
province) runs campaigns, builds questionnaires, resolves keying differences, reviews and
publishes; enumerators and clerks are staff of the province; raw answers of a unit are seen
by Home Affairs, inspectors of the province and the unit's own leaders only."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from cchc.accounts import permissions as perms
from cchc.accounts.models import Membership, User
from cchc.core.actors import is_system
from cchc.core.errors import NotPermitted


def is_home_affairs(actor: Any, province_code: str) -> bool:
    return is_system(actor) or perms.is_province_admin(actor, province_code)


def require_home_affairs(actor: Any, province_code: str) -> None:
    if not is_home_affairs(actor, province_code):
        raise NotPermitted(_("Only the Home Affairs department of the province may do this."))


def can_see_questionnaires(actor: Any, province_code: str) -> bool:
    """The builder page read-only and the questionnaire's log (who changed what respondents
    are asked): Home Affairs and inspectors. Questionnaires are shared by the provinces, like
    the method's item bank they are built from."""
    return is_home_affairs(actor, province_code) or perms.is_inspector(actor)


def can_collect(actor: Any, province_code: str) -> bool:
    """Enumerators, kiosk operators and keying clerks: staff of an agency of the province."""
    if is_home_affairs(actor, province_code):
        return True
    return bool(
        getattr(actor, "is_authenticated", False)
        and actor.kind == User.Kind.STAFF
        and actor.province_code == province_code
        and perms.is_staff_member(actor)
    )


def require_collector(actor: Any, province_code: str) -> None:
    if not can_collect(actor, province_code):
        raise NotPermitted(_("Only survey staff of the province may enter questionnaires."))


def can_follow(actor: Any, province_code: str) -> bool:
    """A campaign's page, its fieldwork progress and its live results before publication,
    read-only: survey staff of the province, and its inspectors, who read everything and
    change nothing (README: `thanhtra`, read-only). Only Home Affairs act on the pages."""
    if can_collect(actor, province_code):
        return True
    return perms.is_inspector(actor) and perms.sees_whole_province(actor, province_code)


def can_see_all_answers(actor: Any, province_code: str) -> bool:
    """Raw answers of every unit of the province (a whole campaign's download): Home Affairs
    and the province's inspectors, never a unit's leader."""
    if is_home_affairs(actor, province_code):
        return True
    return perms.is_inspector(actor) and perms.sees_whole_province(actor, province_code)


def can_see_answers(actor: Any, agency: Any) -> bool:
    """Raw answers of a unit: Home Affairs, the province's inspectors, the unit's leaders."""
    if can_see_all_answers(actor, agency.province_code):
        return True
    return perms.has_role(actor, agency.pk, (Membership.Role.LEADER,))
