"""The dossier state machine: the allowed status changes and the declaration of each action.

What an action does to the dossier's derived fields is the step function of
`cchc.dossiers.lifecycle`, which reads the declarations below.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cchc.accounts.models import Membership
from cchc.dossiers.models import OPEN_STATUSES, Status

S = Status
R = Membership.Role

# Allowed transitions between national status codes (domain.md §3).
TRANSITIONS: dict[int | None, frozenset[int]] = {
    None: frozenset({S.SUBMITTED, S.RECEIVED, S.REFUSED}),
    S.SUBMITTED: frozenset({S.RECEIVED, S.REFUSED, S.SUPPLEMENT, S.WITHDRAWN}),
    S.RECEIVED: frozenset(
        {S.PROCESSING, S.SUPPLEMENT, S.FINANCIAL, S.WITHDRAWN, S.STOPPED, S.FINISHED}
    ),
    S.PROCESSING: frozenset(
        {S.PROCESSING, S.SUPPLEMENT, S.FINANCIAL, S.WITHDRAWN, S.STOPPED, S.FINISHED}
    ),
    S.SUPPLEMENT: frozenset(
        {S.SUBMITTED, S.RECEIVED, S.PROCESSING, S.WITHDRAWN, S.STOPPED, S.REFUSED}
    ),
    S.FINANCIAL: frozenset({S.PROCESSING, S.FINISHED, S.WITHDRAWN, S.STOPPED}),
    S.FINISHED: frozenset({S.RETURNED}),
    S.REFUSED: frozenset(),
    S.WITHDRAWN: frozenset(),
    S.STOPPED: frozenset(),
    S.RETURNED: frozenset(),
}

END_OF_PROCESSING = (S.FINISHED, S.RETURNED, S.STOPPED, S.REFUSED, S.WITHDRAWN)


def allowed(from_status: int | None, to_status: int) -> bool:
    return to_status in TRANSITIONS.get(from_status, frozenset())


# -- the lifecycle's actions, declared once ---------------------------------------------------
# Preconditions beyond the status: name -> (test on the dossier at a moment, why it fails).
def _not_received(d: Any, at: dt.datetime) -> bool:
    return d.received_at is None


def _supplement_requested(d: Any, at: dt.datetime) -> bool:
    return d.status == S.SUPPLEMENT and d.paused_since is not None


def _payment_requested(d: Any, at: dt.datetime) -> bool:
    return d.status == S.FINANCIAL


PRECONDITIONS: dict[str, tuple[Any, Any]] = {
    "not_received": (_not_received, _("the dossier has already been received")),
    "supplement_requested": (_supplement_requested, _("no supplement was requested")),
    "payment_requested": (_payment_requested, _("no payment was requested")),
}


@dataclass(frozen=True)
class ActionRule:
    """One lifecycle action: what the staff page offers, the API accepts and the service
    performs are all decided by `refusal`, which reads only this declaration."""

    name: str
    label: Any
    from_states: frozenset[int]
    target: int | None  # None: the status is kept (a record on the control slip)
    roles: frozenset[str]
    where: tuple[str, ...]  # the dossier's agencies in which one of the roles must be held
    requires: tuple[str, ...] = ()
    target_before_reception: int | None = None  # when it differs before reception
    service: str = ""  # the function of cchc.dossiers.services (its name by default)
    # the official form the action issues to the applicant (Circular 03/2025 appendix), printed
    # from its event: 02 supplement request, 03 refusal, 04 apology, 05 notice of stopping
    form: str = ""
    # asked before the action is sent, for a step that cannot be undone (the dossier leaves the
    # agency's hands or ends): the staff page's button asks it
    confirm: Any = None
    # the counter (a clerk of the receiving agency or place) may also take the action while the
    # dossier is still at reception (RECEPTION_STATUSES), whatever `roles` and `where` say
    counter_at_reception: bool = False
    # the rule in words for a staff member of the dossier whom `roles`/`where` leave out once
    # the dossier was handed over for processing (policies.denial): said on the dossier page
    # where the button would be, and as the refusal of the service and the API
    after_handover: Any = None

    def target_for(self, dossier: Any) -> int | None:
        if self.target_before_reception is not None and dossier.received_at is None:
            return self.target_before_reception
        return self.target

    @property
    def service_name(self) -> str:
        return self.service or self.name


_PROCESSING = frozenset({S.RECEIVED, S.PROCESSING, S.SUPPLEMENT, S.FINANCIAL})
# At reception: submitted online, or received and not yet handed over for processing (the
# hand-over, `transfer`, moves the dossier to PROCESSING).
RECEPTION_STATUSES = frozenset({S.SUBMITTED, S.RECEIVED})

ACTION_RULES: dict[str, ActionRule] = {
    r.name: r
    for r in (
        ActionRule(
            "receive",
            _("Receive"),
            frozenset({S.SUBMITTED, S.SUPPLEMENT}),
            S.RECEIVED,
            frozenset({R.CLERK}),
            ("receiving_agency", "receiving_place"),
            requires=("not_received",),
        ),
        ActionRule(
            "refuse",
            _("Refuse"),
            frozenset({S.SUBMITTED, S.SUPPLEMENT}),
            S.REFUSED,
            frozenset({R.CLERK, R.LEADER}),
            ("receiving_agency", "receiving_place", "current_agency"),
            requires=("not_received",),
            form="03",
            confirm=_(
                "Refuse to receive this dossier? The refusal is final: the applicant is told the "
                "reason and must submit again."
            ),
        ),
        ActionRule(
            "transfer",
            _("Transfer"),
            frozenset({S.RECEIVED, S.PROCESSING}),
            S.PROCESSING,
            frozenset({R.CLERK, R.SPECIALIST, R.LEADER}),
            ("current_agency",),
        ),
        ActionRule(
            "assign",
            _("Assign"),
            frozenset(OPEN_STATUSES),
            None,
            frozenset({R.LEADER}),
            ("current_agency",),
        ),
        ActionRule(
            "request_supplement",
            _("Request a supplement"),
            frozenset({S.SUBMITTED, S.RECEIVED, S.PROCESSING}),
            S.SUPPLEMENT,
            # domain.md §3: the counter asks for the one complete supplement at reception; once
            # the dossier is handed over, the agency processing it asks (Decree 61/2018 art. 16,
            # kept by Decree 118/2025: in writing, sent to the applicant through the one-stop
            # section), not the counter that received it nor the counter of the new agency
            frozenset({R.SPECIALIST, R.LEADER}),
            ("current_agency",),
            form="02",
            counter_at_reception=True,
            after_handover=_(
                "dossier %(code)s has been handed over for processing to %(agency)s: only the "
                "specialists and leaders there may ask the applicant for a supplement; the "
                "counter asks only at reception, before the hand-over"
            ),
        ),
        ActionRule(
            "receive_supplement",
            _("Receive the supplement"),
            frozenset({S.SUPPLEMENT}),
            S.PROCESSING,
            frozenset({R.CLERK, R.SPECIALIST}),
            ("current_agency", "receiving_agency", "receiving_place"),
            requires=("supplement_requested",),
            target_before_reception=S.SUBMITTED,
        ),
        ActionRule(
            "request_payment",
            _("Request payment"),
            frozenset({S.RECEIVED, S.PROCESSING}),
            S.FINANCIAL,
            frozenset({R.SPECIALIST, R.LEADER}),
            ("current_agency",),
        ),
        ActionRule(
            "confirm_payment",
            _("Confirm payment"),
            frozenset({S.FINANCIAL}),
            S.PROCESSING,
            frozenset({R.CLERK, R.SPECIALIST}),
            ("current_agency", "receiving_agency"),
            requires=("payment_requested",),
        ),
        ActionRule(
            "withdraw",
            _("Withdraw"),
            frozenset({S.SUBMITTED, *_PROCESSING}),
            S.WITHDRAWN,
            frozenset({R.CLERK}),
            ("receiving_agency", "receiving_place"),
            confirm=_(
                "Record that the applicant withdraws the dossier? Processing ends and cannot be "
                "resumed."
            ),
        ),
        ActionRule(
            "stop",
            _("Stop processing"),
            _PROCESSING,
            S.STOPPED,
            frozenset({R.LEADER}),
            ("current_agency", "competent_agency"),
            form="05",
            confirm=_("Stop processing this dossier? This is final and the applicant is told."),
        ),
        ActionRule(
            "finish",
            _("Finish processing"),
            frozenset({S.RECEIVED, S.PROCESSING, S.FINANCIAL}),
            S.FINISHED,
            frozenset({R.SPECIALIST, R.LEADER}),
            ("current_agency",),
            confirm=_(
                "Finish processing? The result goes to the counter and the dossier can no longer "
                "be changed, transferred or sent back for a supplement."
            ),
        ),
        ActionRule(
            "return_result",
            _("Return the result"),
            frozenset({S.FINISHED}),
            S.RETURNED,
            frozenset({R.CLERK}),
            ("receiving_agency", "receiving_place"),
            confirm=_(
                "Record that the result was handed to the applicant? This closes the dossier."
            ),
        ),
        ActionRule(
            "apologize",
            _("Apologise and set a new date"),
            _PROCESSING,
            None,
            frozenset({R.LEADER}),
            # Decree 118/2025 asks for the apology before the due date; after it the dossier is
            # late but the apology and the new date are still owed to the applicant, so it is
            # not withheld (the 766 on-time rule still judges against the first appointment)
            ("current_agency", "competent_agency", "receiving_agency"),
            form="04",
        ),
    )
}


def _blocker(dossier: Any, rule: ActionRule, at: dt.datetime | None) -> str | None:
    """What in the dossier's state forbids the rule now: "status", the name of the first
    precondition that fails, or None."""
    if dossier.status not in rule.from_states:
        return "status"
    at = at or timezone.now()
    return next((name for name in rule.requires if not PRECONDITIONS[name][0](dossier, at)), None)


def state_refusal(dossier: Any, action: str, at: dt.datetime | None = None) -> str | None:
    """Why the dossier's state forbids `action` now (None: it allows it), whoever asks."""
    rule = ACTION_RULES.get(action)
    if rule is None:
        return gettext("Unknown action %(action)s.") % {"action": action}
    blocker = _blocker(dossier, rule, at)
    if blocker is None:
        return None
    if blocker == "status":
        status = dossier.status
        return gettext("Cannot “%(action)s”: dossier %(code)s is “%(status)s”.") % {
            "action": str(rule.label),
            "code": dossier.code,
            "status": Status(status).label if status is not None else "",
        }
    return gettext("Cannot “%(action)s” on dossier %(code)s: %(why)s.") % {
        "action": str(rule.label),
        "code": dossier.code,
        "why": PRECONDITIONS[blocker][1],
    }


def refusal(dossier: Any, action: str, user: Any, at: dt.datetime | None = None) -> str | None:
    """Why `user` may not take `action` on the dossier now, or None if they may: the one check
    behind the buttons the staff page offers, the actions the API lists and accepts, and the
    services (which raise NotPermitted for a missing right, TransitionNotAllowed otherwise)."""
    from cchc.dossiers import policies  # policies reads ACTION_RULES: imported late

    if user is not None and not policies.allows(user, action, dossier):
        why = policies.denial(user, action, dossier)
        if why:
            return gettext("You may not do this: %(why)s.") % {"why": why}
        return gettext("You are not allowed to do this on dossier %(code)s.") % {
            "code": dossier.code
        }
    return state_refusal(dossier, action, at)


def permitted(dossier: Any, action: str, user: Any, at: dt.datetime | None = None) -> bool:
    """`refusal(...) is None`, by the same checks, without composing the message nobody reads
    (the API lists a dossier's actions in every answer): the status first, the cheapest."""
    from cchc.dossiers import policies

    rule = ACTION_RULES[action]
    return (
        dossier.status in rule.from_states
        and (user is None or policies.allows(user, action, dossier))
        and _blocker(dossier, rule, at) is None
    )
