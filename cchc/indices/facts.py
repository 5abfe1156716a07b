"""Facts: what the index needs of one dossier or petition, by ONE pure function each.

The same functions serve the live update (after each lifecycle action), the full rebuild and
the tests. They read the dossier's denormalised fields, which `cchc.dossiers.state.replay`
folds from the event log (the control slip), so a dossier handled here and one imported from
another system's history give the same fact.

On-time rule (domain.md §5, as the national portal applies it [S]):
- end of processing = finished (9), else returned (10), else stopped (8) / refused / withdrawn (7);
- on time when that end ≤ the appointment (the first one: rule param `on_time_against` =
  "initial_appointment", so an apology does not excuse the delay) moved by the working time
  spent waiting for the applicant's supplement;
- more supplement requests than the rule allows (`max_supplement_requests`, Decree 118/2025
  allows one complete request) = late;
- still waiting for the first supplement at the period end: judged at the moment of the request;
- any other open dossier: judged at the period end (`open_is_on_time`);
- no appointment: the procedure's legal time from reception.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from typing import Any, NamedTuple

from cchc.core.calendar import LOCAL_TZ

# national status codes (domain.md §3)
SUPPLEMENT = 5
FINISHED, RETURNED = 9, 10
OPEN_STATUSES = frozenset({1, 2, 4, 5, 6})
ONLINE_CHANNEL = 2

DOSSIER_FIELDS = (
    "id",
    "receiving_agency_id",
    "procedure_id",
    "channel",
    "status",
    "received_at",
    "initial_appointment_at",
    "appointment_at",
    "due_at",
    "paused_seconds",
    "paused_since",
    "supplement_count",
    "finished_at",
    "returned_at",
    "closed_at",
    "fee_amount",
    "paid_online",
    "has_digitized_components",
    "has_electronic_result",
    "reused_digitized_data",
    "uses_population_data",
    "synced_to_portal",
    "rating",
)


class FactValues(NamedTuple):
    """A dossier's fact. A named tuple: the full rebuild makes a million of them and COPYs
    each as it is (its fields are the fact table's columns, in order)."""

    dossier_id: int
    agency_id: int
    procedure_id: int
    channel: int
    received_at: dt.datetime
    received_on: dt.date
    appointment_at: dt.datetime | None
    due_at: dt.datetime | None
    end_at: dt.datetime | None
    end_status: int | None
    pause_seconds: int
    supplement_count: int
    waiting_since: dt.datetime | None
    is_open: bool
    too_many_supplements: bool
    on_time: bool | None
    online: bool
    synced: bool
    fee_owed: bool
    paid_online: bool
    resolved: bool
    electronic_result: bool
    digitized: bool
    reused: bool
    population_data: bool
    storage_linked: bool
    rating: int | None
    complained: bool

    def as_model_kwargs(self) -> dict[str, Any]:
        return self._asdict()


FACT_FIELD_NAMES = FactValues._fields


def dossier_fact(
    d: Mapping[str, Any],
    *,
    params: Mapping[str, Any],
    dislike_rating_max: int = 2,
    has_petition: bool = False,
    add_working_seconds: Callable[[dt.datetime, float], dt.datetime] | None = None,
    legal_due: Callable[[dt.datetime], dt.datetime] | None = None,
) -> FactValues | None:
    """The fact of one dossier (`d` holds the Dossier fields in DOSSIER_FIELDS).

    `params`: the one-stop rule version's parameters in force when it was received.
    `add_working_seconds` / `legal_due`: the province's working calendar, needed only when the
    appointment used differs from the one the dossier's due time was computed from, or is absent.
    Returns None for a dossier never received (it is not in any index).
    """
    received_at = d["received_at"]
    if received_at is None:
        return None
    against = params.get("on_time_against", "initial_appointment")
    appointment = (
        d["initial_appointment_at"] if against == "initial_appointment" else d["appointment_at"]
    )
    appointment = appointment or d["appointment_at"]
    paused = int(d["paused_seconds"] or 0)
    if appointment is None and legal_due is not None:
        appointment = legal_due(received_at)
    if appointment is None:
        due = None
    elif appointment == d["appointment_at"] and d["due_at"] is not None:
        due = d["due_at"]  # the dossiers app already moved this appointment by the pauses
    elif paused and add_working_seconds is not None:
        due = add_working_seconds(appointment, paused)
    else:
        due = appointment

    end_at, end_status = None, None
    for moment, code in (
        (d["finished_at"], FINISHED),
        (d["returned_at"], RETURNED),
        (d["closed_at"], d["status"]),
    ):
        if moment is not None:
            end_at, end_status = moment, code
            break
    status = d["status"]
    is_open = end_at is None and status in OPEN_STATUSES
    too_many = int(d["supplement_count"] or 0) > int(params.get("max_supplement_requests", 1))
    if is_open:
        on_time = None
    elif too_many:
        on_time = False
    else:
        on_time = due is None or end_at is None or end_at <= due
    resolved = status in (FINISHED, RETURNED) or d["finished_at"] is not None
    fee_owed = int(d["fee_amount"] or 0) > 0
    digitized = bool(d["has_digitized_components"])
    rating = d["rating"]
    return FactValues(
        dossier_id=d["id"],
        agency_id=d["receiving_agency_id"],
        procedure_id=d["procedure_id"],
        channel=d["channel"],
        received_at=received_at,
        received_on=received_at.astimezone(LOCAL_TZ).date(),
        appointment_at=appointment,
        due_at=due,
        end_at=end_at,
        end_status=end_status,
        pause_seconds=paused,
        supplement_count=int(d["supplement_count"] or 0),
        waiting_since=d["paused_since"] if (is_open and status == SUPPLEMENT) else None,
        is_open=is_open,
        too_many_supplements=too_many,
        on_time=on_time,
        online=d["channel"] == ONLINE_CHANNEL,
        synced=bool(d["synced_to_portal"]),
        fee_owed=fee_owed,
        paid_online=fee_owed and bool(d["paid_online"]),
        resolved=resolved,
        electronic_result=resolved and bool(d["has_electronic_result"]),
        digitized=digitized,
        reused=bool(d["reused_digitized_data"]),
        population_data=bool(d["uses_population_data"]),
        storage_linked=digitized and bool(d["synced_to_portal"]),
        rating=rating,
        complained=has_petition or (rating is not None and rating <= dislike_rating_max),
    )


def open_is_on_time(
    *,
    due_at: dt.datetime | None,
    waiting_since: dt.datetime | None,
    too_many_supplements: bool,
    cutoff: dt.datetime,
) -> bool:
    """An open dossier judged at `cutoff` (the period end, or now if earlier)."""
    if too_many_supplements:
        return False
    if due_at is None:
        return True
    if waiting_since is not None:
        return waiting_since <= due_at
    return cutoff <= due_at


def day_counters(f: FactValues | None) -> dict[str, int]:
    """The fact's contribution to its agency × day summary row."""
    if f is None:
        return {}
    closed = not f.is_open
    return {
        "received": 1,
        "online": int(f.online),
        "synced": int(f.synced),
        "fee_owed": int(f.fee_owed),
        "paid_online": int(f.paid_online),
        "resolved": int(f.resolved),
        "electronic_result": int(f.electronic_result),
        "digitized": int(f.digitized),
        "reused": int(f.reused),
        "population_data": int(f.population_data),
        "storage_linked": int(f.storage_linked),
        "closed": int(closed),
        "on_time_closed": int(closed and bool(f.on_time)),
        "satisfied_closed": int(closed and bool(f.on_time) and not f.complained),
        "complained": int(f.complained),
    }


def procedure_counters(f: FactValues | None) -> dict[str, int]:
    """The fact's contribution to its agency × month × procedure row."""
    if f is None:
        return {}
    return {
        "received": 1,
        "online": int(f.online),
        "paid_online": int(f.paid_online),
        "population_data": int(f.population_data),
    }


def month_of(day: dt.date) -> dt.date:
    return day.replace(day=1)


# -- petitions (PAKN, Decree 20/2008 amended by 92/2017) ---------------------------------------
@dataclass(frozen=True)
class PetitionValues:
    petition_id: int
    agency_id: int
    category: str
    received_at: dt.datetime
    received_on: dt.date
    due_at: dt.datetime | None
    handled_at: dt.datetime | None
    on_time: bool | None
    satisfied: bool
    dossier_id: int | None

    def as_model_kwargs(self) -> dict[str, Any]:
        return asdict(self)


# merged into an earlier petition, or moved to the complaints register: not a PAKN of its own
NOT_COUNTED_PETITION_STATUSES = frozenset({"MERGED", "TRANSFERRED"})


def petition_fact(p: Mapping[str, Any]) -> PetitionValues | None:
    """Handled on time = handled by the handling due time (15 working days [S]); an open petition
    is judged at the period end. Unsatisfied = more dislikes than likes [S]."""
    if p.get("received_at") is None or p.get("agency_id") is None:
        return None  # not yet routed to a responsible agency
    if p.get("status") in NOT_COUNTED_PETITION_STATUSES:
        return None
    handled, due = p.get("handled_at"), p.get("handle_due_at")
    on_time = None if handled is None else (due is None or handled <= due)
    return PetitionValues(
        petition_id=p["id"],
        agency_id=p["agency_id"],
        category=str(p.get("category") or ""),
        received_at=p["received_at"],
        received_on=p["received_at"].astimezone(LOCAL_TZ).date(),
        due_at=due,
        handled_at=handled,
        on_time=on_time,
        satisfied=int(p.get("dislikes") or 0) <= int(p.get("likes") or 0),
        dossier_id=p.get("dossier_id"),
    )
