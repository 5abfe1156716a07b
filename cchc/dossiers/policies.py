"""Who may take which lifecycle action on a dossier (checked inside every service)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from cchc.accounts import permissions
from cchc.accounts.models import Membership
from cchc.core.actors import is_system, require_actor
from cchc.core.errors import NotPermitted, ValidationFailed
from cchc.dossiers.state import ACTION_RULES, RECEPTION_STATUSES

R = Membership.Role

INTAKE_ROLES = {R.CLERK}
# The counter of a dossier: where it was received and the agency that officially received it.
COUNTER_AGENCIES = ("receiving_agency", "receiving_place")

# action -> (roles that may take it at some stage, the dossier's agencies where the role is
# held): read from the one declaration of the lifecycle (cchc.dossiers.state.ACTION_RULES), the
# counter's clerks included where the counter takes the action at reception. `can` decides for
# one dossier now, from the declaration itself.
ACTION_ROLES: dict[str, tuple[frozenset[str], tuple[str, ...]]] = {
    name: (
        rule.roles | (frozenset(INTAKE_ROLES) if rule.counter_at_reception else frozenset()),
        tuple(dict.fromkeys(rule.where + (COUNTER_AGENCIES if rule.counter_at_reception else ()))),
    )
    for name, rule in ACTION_RULES.items()
}
# A dossier's agencies, as Dossier.objects.visible_to reads them.
DOSSIER_AGENCIES = ("receiving_agency", "current_agency", "competent_agency", "receiving_place")
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
    rule = ACTION_RULES[action]
    if any(permissions.has_role(user, getattr(dossier, f"{a}_id"), rule.roles) for a in rule.where):
        return True
    return _counter_at_reception(user, action, dossier)


def _counter_at_reception(user, action: str, dossier) -> bool:  # type: ignore[no-untyped-def]
    """A clerk of the dossier's counter, for an action the counter takes at reception only."""
    return (
        ACTION_RULES[action].counter_at_reception
        and dossier.status in RECEPTION_STATUSES
        and any(
            permissions.has_role(user, getattr(dossier, f"{attr}_id"), INTAKE_ROLES)
            for attr in COUNTER_AGENCIES
        )
    )


def denial(user, action: str, dossier) -> str | None:  # type: ignore[no-untyped-def]
    """Why `user`, who works at one of the dossier's agencies, may not take `action` now that
    the dossier was handed over for processing (state.ActionRule.after_handover), or None when
    that is not the reason (the action is theirs, the status excludes it anyway, or the rule has
    nothing to say). The dossier page shows it where the button would be; the services and the
    API refuse with it."""
    rule = ACTION_RULES[action]
    if (
        rule.after_handover is None
        or dossier.status in RECEPTION_STATUSES
        or dossier.status not in rule.from_states
        or permissions.is_inspector(user)
        or not any(
            permissions.roles_in(user, getattr(dossier, f"{a}_id")) for a in DOSSIER_AGENCIES
        )
        or can(user, action, dossier)
    ):
        return None
    return str(rule.after_handover) % {
        "code": dossier.code,
        "agency": dossier.current_agency.name,
    }


def allows(user, action: str, dossier) -> bool:  # type: ignore[no-untyped-def]
    """`can`, with a system actor (the importer, a job, a command) always allowed."""
    return is_system(user) or can(user, action, dossier)


def check(user, action: str, dossier) -> None:  # type: ignore[no-untyped-def]
    """Refuse the action unless `user` may take it. A system actor (the importer, a job, a
    management command: cchc.core.actors) passes explicitly; None is a programming error."""
    if is_system(require_actor(user)):
        return
    if not can(user, action, dossier):
        why = denial(user, action, dossier)
        raise NotPermitted(
            _("You may not do this: %(why)s.") % {"why": why}
            if why
            else _("You are not allowed to do this on dossier %(code)s.") % {"code": dossier.code}
        )


def can_view(user, dossier) -> bool:  # type: ignore[no-untyped-def]
    from cchc.dossiers.models import Dossier

    return Dossier.objects.visible_to(user).filter(pk=dossier.pk).exists()


def check_intake(user, agency) -> None:  # type: ignore[no-untyped-def]
    if is_system(require_actor(user)):
        return
    if permissions.is_inspector(user) or not permissions.has_role(user, agency.pk, INTAKE_ROLES):
        raise NotPermitted(_("You may only receive dossiers at a counter of your own agency."))
