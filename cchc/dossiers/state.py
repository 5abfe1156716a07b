"""The dossier state machine and the pure fold from events to the dossier's current state.

One function (`replay`) derives every denormalised field from the ordered event list, so a
dossier handled here and one imported from another system's history are indistinguishable.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from cchc.core.calendar import WorkingCalendar
from cchc.dossiers.models import Status

S = Status

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


@dataclass
class EventRecord:
    """What `replay` needs of one event (model rows and import records both fit)."""

    to_status: int
    at: dt.datetime
    action: str = ""
    data: dict[str, Any] = field(default_factory=dict)


@dataclass
class DerivedState:
    status: int | None = None
    submitted_at: dt.datetime | None = None
    received_at: dt.datetime | None = None
    processing_ended_at: dt.datetime | None = None
    finished_at: dt.datetime | None = None
    returned_at: dt.datetime | None = None
    closed_at: dt.datetime | None = None
    paused_since: dt.datetime | None = None
    paused_seconds: int = 0
    supplement_count: int = 0
    apology_count: int = 0
    appointment_at: dt.datetime | None = None
    initial_appointment_at: dt.datetime | None = None
    due_at: dt.datetime | None = None
    invalid: str = ""


def replay(
    events: list[EventRecord],
    *,
    calendar: WorkingCalendar,
    appointment_at: dt.datetime | None = None,
    legal_due: Any = None,
) -> DerivedState:
    """Fold the status history into the dossier's current state.

    `appointment_at`: the appointment written on the receipt (imported data carries it);
    if absent it is computed at reception by `legal_due(received_at) -> datetime`.
    A status 5 followed by the next status is one supplement pause; paused working time
    moves the effective due time (time waiting for the applicant is not counted).
    """
    st = DerivedState()
    for ev in events:
        # An event that keeps the status (an apology with a new date, an assignment) is a
        # record on the control slip, not a transition.
        if ev.to_status != st.status and not allowed(st.status, ev.to_status):
            st.invalid = f"{st.status} -> {ev.to_status}"
            break
        prev = st.status
        if st.paused_since is not None and ev.to_status != S.SUPPLEMENT:
            st.paused_seconds += int(calendar.working_seconds_between(st.paused_since, ev.at))
            st.paused_since = None
        to = ev.to_status
        if to == S.SUBMITTED and st.submitted_at is None:
            st.submitted_at = ev.at
        elif to == S.RECEIVED and st.received_at is None:
            st.received_at = ev.at
            if st.submitted_at is None:
                st.submitted_at = ev.at
            if appointment_at is None and legal_due is not None:
                appointment_at = legal_due(ev.at)
            st.appointment_at = st.initial_appointment_at = appointment_at
        elif to == S.SUPPLEMENT and prev != S.SUPPLEMENT:
            st.supplement_count += 1
            st.paused_since = ev.at
        elif to == S.FINISHED:
            st.finished_at = ev.at
        elif to == S.RETURNED:
            st.returned_at = ev.at
        elif to in (S.REFUSED, S.WITHDRAWN, S.STOPPED):
            st.closed_at = ev.at
        if to in END_OF_PROCESSING and st.processing_ended_at is None:
            st.processing_ended_at = ev.at
        new_appointment = ev.data.get("new_appointment_at") if ev.data else None
        if isinstance(new_appointment, str):
            new_appointment = dt.datetime.fromisoformat(new_appointment)
        if new_appointment is not None:
            st.appointment_at = new_appointment
            st.apology_count += 1
        st.status = to
    if st.appointment_at is not None:
        st.due_at = (
            calendar.add_working_seconds(st.appointment_at, st.paused_seconds)
            if st.paused_seconds
            else st.appointment_at
        )
    return st
