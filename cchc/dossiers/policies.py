"""Who may take which lifecycle action on a dossier (checked inside every service)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from cchc.accounts import permissions
from cchc.accounts.models import Membership
from cchc.core.actors import is_system, require_actor
from cchc.core.errors import NotPermitted, ValidationFailed
from cchc.dossiers.state import ACTION_RULES

R = Membership.Role

# action -> (roles allowed, which agency of the dossier the role must be held in): read from
# the one declaration of the lifecycle (cchc.dossiers.state.ACTION_RULES).
ACTION_ROLES: dict[str, tuple[frozenset[str], tuple[str, ...]]] = {
    name: (rule.roles, rule.where) for name, rule in ACTION_RULES.items()
}

INTAKE_ROLES = {R.CLERK}
# Who handles a dossier (người xử lý: the assignee of a hand-over or an assignment): the
# specialists and leaders of the agency. Counter clerks receive and return, the agency
# administrator manages accounts; neither processes a dossier.
HANDLING_ROLES = frozenset({R.SPECIALIST, R.LEADER})


def handles_at(user, agency_id) -> bool:  # type: ignore[no-untyped-def]
    return permissions.has_role(user, agency_id, HANDLING_ROLES)


def check_assignee(user, agency) -> None:  # type: ignore[no-untyped-def]
    """ValidationFailed unless `user` may handle dossiers at `agency` (HANDLING_ROLES)."""
    if not permissions.roles_in(user, agency.pk):
        raise ValidationFailed(
            _("%(user)s does not work at %(agency)s.")
            % {"user": getattr(user, "display_name", user), "agency": agency.name},
            field="assignee",
        )
    if not handles_at(user, agency.pk):
        raise ValidationFailed(
            _("%(user)s does not handle dossiers at %(agency)s: choose a specialist or a leader.")
            % {"user": getattr(user, "display_name", user), "agency": agency.name},
            field="assignee",
        )


def can(user, action: str, dossier) -> bool:  # type: ignore[no-untyped-def]
    if user is None or not user.is_authenticated:
        return False
    if permissions.is_inspector(user):
        return False
    if (
        action == "withdraw"
        and dossier.applicant_id is not None
        and dossier.applicant_id == user.pk
    ):
        return True  # the applicant may withdraw their own dossier
    roles, where = ACTION_ROLES[action]
    return any(permissions.has_role(user, getattr(dossier, f"{attr}_id"), roles) for attr in where)


def allows(user, action: str, dossier) -> bool:  # type: ignore[no-untyped-def]
    """`can`, with a system actor (the importer, a job, a command) always allowed."""
    return is_system(user) or can(user, action, dossier)


def check(user, action: str, dossier) -> None:  # type: ignore[no-untyped-def]
    """Refuse the action unless `user` may take it. A system actor (the importer, a job, a
    management command: cchc.core.actors) passes explicitly; None is a programming error."""
    if is_system(require_actor(user)):
        return
    if not can(user, action, dossier):
        raise NotPermitted(
            _("You are not allowed to do this on dossier %(code)s.") % {"code": dossier.code}
        )


def can_view(user, dossier) -> bool:  # type: ignore[no-untyped-def]
    from cchc.dossiers.models import Dossier

    return Dossier.objects.visible_to(user).filter(pk=dossier.pk).exists()


def check_intake(user, agency) -> None:  # type: ignore[no-untyped-def]
    if is_system(require_actor(user)):
        return
    if permissions.is_inspector(user) or not permissions.has_role(user, agency.pk, INTAKE_ROLES):
        raise NotPermitted(_("You may only receive dossiers at a counter of your own agency."))
