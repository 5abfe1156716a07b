"""The one step function of a dossier's derived state (issue 16, point 1).

`step(state, act)` takes the dossier's derived state (status, pause, due time, supplement and
apology counts, the current step of the control slip, the lifecycle dates) and one action,
and returns the next derived state, or raises `Refused` with a Vietnamese message. Nothing
else computes these fields:

* the services (cchc.dossiers.services) run it on the locked dossier and store what it returns;
* the import (cchc.interchange.dossiers) folds an imported history through it (`fold`),

so a dossier handled here and the same history imported are identical, and an action that
is illegal live is refused in an imported history with the same words. Which action is legal
from which state is read from the one declaration, `state.ACTION_RULES` (via
`state.state_refusal`); this module adds what an action does to the derived fields.

A history from another system carries statuses, not action names: `infer` names the action
an entry stands for (a PROCESSING entry after RECEIVED/PROCESSING is a hand-over; an entry
that keeps the status with a new appointment is an apology, without one an assignment). A
history exported by this platform names each entry's action (`HanhDong`), so an assignment
and a hand-over to the same unit (both 4 → 4) stay apart, and the records that change no
state (a document attached, a rating) are not taken for either (`RECORDS`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

from django.utils.translation import gettext

from cchc.core.calendar import WorkingCalendar, fmt
from cchc.dossiers.models import Status
from cchc.dossiers.state import ACTION_RULES, END_OF_PROCESSING, state_refusal

S = Status
EMPTY: Mapping[str, Any] = {}
# The first action of a history (no status yet) and the status it gives.
INTAKE = {"submit": S.SUBMITTED, "receive": S.RECEIVED, "refuse": S.REFUSED}
# Events that record something on the control slip without changing the derived state: the
# status is kept and nothing else moves (cchc.dossiers.services appends them).
RECORDS = frozenset({"attach_document", "reuse_document", "submit_supplement", "evaluate"})
# The action names a history entry may carry (HanhDong): intake, lifecycle actions, records.
NAMED = frozenset({*INTAKE, *ACTION_RULES, *RECORDS})
# An imported event keeps the action its history named under this key of its data.
IMPORTED_ACTION_KEY = "action"
# The derived columns of a dossier the step function owns (services store them as it says).
# The importer writes them in this order (cchc.interchange.pgload.IMPORTED).
FIELDS = (
    "status",
    "submitted_at",
    "received_at",
    "initial_appointment_at",
    "appointment_at",
    "due_at",
    "processing_ended_at",
    "finished_at",
    "returned_at",
    "closed_at",
    "paused_since",
    "paused_seconds",
    "supplement_count",
    "apology_count",
)


class Refused(Exception):  # noqa: N818 - the lifecycle's own word, as in TransitionNotAllowed
    """An action the dossier's state does not allow; `field` names the bad input, if any."""

    entry = 0  # in a folded history: the 1-based number of the entry refused

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass
class Derived:
    """What a dossier's history determines. `code` only names the dossier in messages."""

    code: str = ""
    status: int | None = None
    submitted_at: dt.datetime | None = None
    received_at: dt.datetime | None = None
    initial_appointment_at: dt.datetime | None = None
    appointment_at: dt.datetime | None = None
    due_at: dt.datetime | None = None
    paused_since: dt.datetime | None = None
    paused_seconds: int = 0
    supplement_count: int = 0
    apology_count: int = 0
    processing_ended_at: dt.datetime | None = None
    finished_at: dt.datetime | None = None
    returned_at: dt.datetime | None = None
    closed_at: dt.datetime | None = None
    step: int = 0  # hand-overs so far: the number of the current step on the control slip

    def clone(self) -> Derived:
        new = object.__new__(Derived)
        new.__dict__.update(self.__dict__)
        return new

    def fields(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in FIELDS}


class Act(NamedTuple):
    """One action event: its name ('' to infer it from `to_status`), its time, its data
    (`new_appointment_at` for an apology), and the status a history says it led to."""

    kind: str
    at: dt.datetime
    data: Mapping[str, Any] = EMPTY
    to_status: int | None = None


def act_of(event: Any, import_action: str = "import") -> Act:
    """The action a stored event stands for in a replay: its own action, or for an imported
    event the one its history named (else '' : inferred from the status)."""
    data = event.data or EMPTY
    kind = event.action
    if kind == import_action:
        kind = data.get(IMPORTED_ACTION_KEY, "")
    return Act(kind, event.at, data, event.to_status)


def state_of(dossier: Any) -> Derived:
    """The derived state as a dossier row stores it (its step is not stored: 0)."""
    return Derived(code=dossier.code, **{name: getattr(dossier, name) for name in FIELDS})


# The action a change of status stands for (to PROCESSING: by the status it leaves).
_BACK_TO_PROCESSING: dict[int, str] = {
    S.SUPPLEMENT: "receive_supplement",
    S.FINANCIAL: "confirm_payment",
}
_ACTION_TO: dict[int, str] = {
    S.SUBMITTED: "receive_supplement",
    S.RECEIVED: "receive",
    S.REFUSED: "refuse",
    S.SUPPLEMENT: "request_supplement",
    S.FINANCIAL: "request_payment",
    S.WITHDRAWN: "withdraw",
    S.STOPPED: "stop",
    S.FINISHED: "finish",
    S.RETURNED: "return_result",
}


def infer(state: Derived, to_status: int, data: Mapping[str, Any] = EMPTY) -> str:
    """The action a status-only history entry stands for, from the state it applies to."""
    frm = state.status
    if frm is None:
        return next((kind for kind, st in INTAKE.items() if st == to_status), "")
    if to_status == frm:
        if data.get("new_appointment_at"):
            return "apologize"
        # The national codes list PROCESSING → PROCESSING: a hand-over to the next step.
        return "transfer" if to_status == S.PROCESSING else "assign"
    if to_status == S.PROCESSING:
        return _BACK_TO_PROCESSING.get(frm, "transfer")
    return _ACTION_TO.get(to_status, "")


def _moment(value: Any) -> dt.datetime | None:
    if isinstance(value, str):
        return dt.datetime.fromisoformat(value)
    return value if isinstance(value, dt.datetime) else None


def _new_appointment(state: Derived, act: Act, calendar: WorkingCalendar) -> dt.datetime:
    """The apology's new appointment, checked: after the apology itself, later than the
    current one, in working time by the calendar (form 04 prints only such a time)."""
    new = _moment(act.data.get("new_appointment_at"))
    if new is None or new.tzinfo is None:
        raise Refused(
            gettext("Please give the new appointment date and time."), "new_appointment_at"
        )
    if new <= act.at:
        # an apology issued after the due date (late, but still owed) must still promise a
        # date to come, not one already past
        raise Refused(
            gettext("The new appointment must be in the future (after %(at)s).")
            % {"at": fmt(act.at)},
            "new_appointment_at",
        )
    current = state.appointment_at or state.due_at
    if current is not None and new <= current:
        raise Refused(
            gettext("The new appointment must be later than the current one (%(due)s).")
            % {"due": fmt(current)},
            "new_appointment_at",
        )
    if not calendar.is_working_time(new):
        raise Refused(
            gettext(
                "The new appointment %(at)s is outside working time: please choose a time within "
                "working hours on a working day."
            )
            % {"at": fmt(new)},
            "new_appointment_at",
        )
    return new


def step(
    state: Derived,
    act: Act,
    *,
    calendar: WorkingCalendar,
    legal_due: Callable[[dt.datetime], dt.datetime] | None = None,
    appointment_at: dt.datetime | None = None,
) -> Derived:
    """The derived state after `act`, or Refused (the state is never changed in place).

    `legal_due(received_at)`: the appointment computed at reception, unless `appointment_at`
    (the one an imported receipt carries) is given. Paused working time (waiting for the
    applicant's supplement after reception) moves the due time; a pause before reception is
    not counted (the legal clock starts at reception).
    """
    at = act.at
    kind = act.kind
    if not kind and act.to_status is not None:
        kind = infer(state, act.to_status, act.data)
    if kind in RECORDS and state.status is not None:
        if act.to_status is not None and act.to_status != state.status:
            raise Refused(
                gettext("The change of status %(a)s → %(b)s is not allowed.")
                % {"a": state.status, "b": act.to_status}
            )
        return state
    if state.status is None:
        target: int | None = INTAKE.get(kind)
        if target is None:
            raise Refused(
                gettext(
                    "The history of dossier %(code)s must begin with its submission or its "
                    "reception."
                )
                % {"code": state.code}
            )
    else:
        why = state_refusal(state, kind, at)
        if why is not None:
            raise Refused(why)
        target = ACTION_RULES[kind].target_for(state)
        if target is None:
            target = state.status
    if act.to_status is not None and act.to_status != target:
        raise Refused(
            gettext("The change of status %(a)s → %(b)s is not allowed.")
            % {"a": state.status if state.status is not None else "-", "b": act.to_status}
        )
    new_appointment = _new_appointment(state, act, calendar) if kind == "apologize" else None

    st = state.clone()
    if st.paused_since is not None and target != S.SUPPLEMENT:
        if st.received_at is not None:
            st.paused_seconds += int(calendar.working_seconds_between(st.paused_since, at))
        st.paused_since = None
    if target == S.SUBMITTED:
        if st.submitted_at is None:
            st.submitted_at = at
    elif target == S.RECEIVED:
        if st.received_at is None:
            st.received_at = at
            if st.submitted_at is None:
                st.submitted_at = at
            due = appointment_at
            if due is None and legal_due is not None:
                due = legal_due(at)
            st.appointment_at = st.initial_appointment_at = due
    elif target == S.SUPPLEMENT:
        if state.status != S.SUPPLEMENT:
            st.supplement_count += 1
            st.paused_since = at
    elif target == S.FINISHED:
        st.finished_at = at
    elif target == S.RETURNED:
        st.returned_at = at
    elif target in (S.REFUSED, S.WITHDRAWN, S.STOPPED):
        st.closed_at = at
    if target in END_OF_PROCESSING and st.processing_ended_at is None:
        st.processing_ended_at = at
    if new_appointment is not None:
        st.appointment_at = new_appointment
        st.apology_count += 1
    if kind == "transfer":
        st.step += 1
    st.status = target
    if st.appointment_at is not None:
        st.due_at = (
            calendar.add_working_seconds(st.appointment_at, st.paused_seconds)
            if st.paused_seconds
            else st.appointment_at
        )
    return st


def fold(
    acts: Iterable[Act],
    *,
    calendar: WorkingCalendar,
    code: str = "",
    legal_due: Callable[[dt.datetime], dt.datetime] | None = None,
    appointment_at: dt.datetime | None = None,
) -> Derived:
    """The derived state at the end of a history: `step` applied to each action in turn.
    Refused carries the 1-based number of the entry refused in `entry`."""
    st = Derived(code=code)
    for n, act in enumerate(acts, 1):
        try:
            st = step(
                st, act, calendar=calendar, legal_due=legal_due, appointment_at=appointment_at
            )
        except Refused as exc:
            exc.entry = n
            raise
    return st
