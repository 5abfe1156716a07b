"""Every lifecycle action on a dossier. Views, the API, the importer and commands call these.

Each action: checks permission and the transition → locks the row → appends the event →
updates the denormalised state → after commit, announces the change (indices listen).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Required, TypedDict, Unpack, cast

from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cchc.agencies.models import Agency
from cchc.catalogue.models import Procedure, RequiredDocument, TimeUnit
from cchc.core import events, rowsql
from cchc.core.actors import actor_label, actor_user, is_system, require_actor
from cchc.core.calendar import LOCAL_TZ, Derivation, WorkingCalendar, when
from cchc.core.errors import NotFound, NotPermitted, TransitionNotAllowed, ValidationFailed
from cchc.core.identifiers import format_dossier_code
from cchc.core.models import RuleVersion
from cchc.core.rules import ONE_STOP
from cchc.core.uploads import check_upload
from cchc.core.validity import is_in_force
from cchc.dossiers import lifecycle, policies
from cchc.dossiers.models import (
    APPLICANT_ADDRESS_MAX,
    APPLICANT_NAME_MAX,
    Channel,
    DigitizedDocument,
    Dossier,
    DossierDocument,
    DossierEvent,
    DossierSearch,
    DossierStep,
    Evaluation,
    IdentityCheck,
    OnlinePayment,
    ReceivedAs,
    ReceivedComponent,
    Status,
    StepOutcome,
    SupplementUpload,
)
from cchc.dossiers.signals import announce
from cchc.dossiers.state import ACTION_RULES, refusal

S = Status
_CACHE_TTL = 60.0
EARLY_STEP_PARAM = "early_step_working_seconds"  # the one-stop rule's "early step" threshold
_calendars: dict[tuple[str, int | None], tuple[float, WorkingCalendar]] = {}
_rules: dict[tuple[str, dt.date], tuple[float, RuleVersion]] = {}


# -- shared helpers -----------------------------------------------------------------------
def clear_caches() -> None:
    """Forget cached calendars, rules and step templates (after one of them was edited
    outside this process's knowledge; the templates also follow the procedure's updated_at)."""
    _calendars.clear()
    _rules.clear()
    _step_templates.clear()


def calendar_for(province_code: str, rule: RuleVersion | None = None) -> WorkingCalendar:
    """The province's working calendar under a rule version (cached per process ≤60 s)."""
    key = (province_code, rule.pk if rule else None)
    hit = _calendars.get(key)
    now = time.monotonic()
    if hit and now - hit[0] < _CACHE_TTL:
        return hit[1]
    cal = WorkingCalendar.for_province(province_code, params=rule.params if rule else None)
    _calendars[key] = (now, cal)
    return cal


def one_stop_rule(on: dt.date) -> RuleVersion:
    key = (ONE_STOP, on)
    hit = _rules.get(key)
    now = time.monotonic()
    if hit and now - hit[0] < _CACHE_TTL:
        return hit[1]
    try:
        rule = RuleVersion.objects.in_force(ONE_STOP, on)
    except RuleVersion.DoesNotExist as exc:
        raise ValidationFailed(
            _("No one-stop rule version is in force on %(day)s.") % {"day": on}
        ) from exc
    _rules[key] = (now, rule)
    return rule


def legal_due(
    procedure: Procedure,
    received_at: dt.datetime,
    calendar: WorkingCalendar,
    terms: tuple[Decimal, str] | None = None,
) -> Derivation:
    """The due time by the procedure's time limit (`terms`: the limit and unit to use instead
    of today's, Procedure.terms_on)."""
    amount, unit = terms or (procedure.processing_time, procedure.time_unit)
    if unit != TimeUnit.SAME_DAY and not amount:
        unit, amount = TimeUnit.SAME_DAY, Decimal(0)
    return calendar.due(received_at, amount, unit)


def due_derivation(dossier: Dossier) -> Derivation | None:
    """The "due when, and why" shown to staff and citizens for this dossier."""
    if dossier.received_at is None:
        return None
    cal = calendar_for(dossier.receiving_agency.province_code, dossier.rule_version)
    derivation = legal_due(dossier.procedure, dossier.received_at, cal)
    first = dossier.initial_appointment_at
    if first is not None and derivation.due_at != first:
        # the procedure's time limit was edited since: the dossier keeps the terms of the day
        # it was received (read from the catalogue's log only then, not for every dossier)
        terms = dossier.procedure.terms_on(dossier.received_at)
        derivation = legal_due(dossier.procedure, dossier.received_at, cal, terms)
    if dossier.appointment_at and dossier.appointment_at != derivation.due_at:
        derivation.lines.append(
            _("Appointment changed to %(at)s (apology)") % {"at": _fmt(dossier.appointment_at)}
        )
    if dossier.paused_seconds:
        derivation.lines.append(
            _(
                "%(h)s working hours waiting for the applicant's supplement are not counted: due %(at)s"
            )
            % {"h": round(dossier.paused_seconds / 3600, 1), "at": _fmt(dossier.due_at)}
        )
    if dossier.is_paused and dossier.paused_since is not None:
        # the due time above is the one before the wait: it moves on once the supplement comes
        derivation.lines.append(
            _(
                "Waiting for the applicant's supplement since %(at)s: the clock is paused, and "
                "the due time moves on by the working time of the wait"
            )
            % {"at": _fmt(dossier.paused_since)}
        )
    return derivation


def _fmt(moment: dt.datetime | None) -> str:
    return moment.astimezone(LOCAL_TZ).strftime("%H:%M %d/%m/%Y") if moment else ""


def _fmt_iso(moment: dt.datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _issue_code(agency: Agency, day: dt.date, rule: RuleVersion) -> tuple[str, int]:
    """The next code for (agency, day), from one atomic upsert: unique under concurrency. The
    counter row stays locked until the intake commits, so numbers are issued without gaps.

    With it, the new dossier's id, drawn before its row is written, so that its first event
    can be hashed and its head stored in the dossier's own INSERT (the next action then reads
    no earlier event): on PostgreSQL from the table's sequence in the same statement; on
    SQLite from the table's AUTOINCREMENT counter (the upsert took the database's write lock,
    so no other intake can draw the same)."""
    prefix = agency.dossier_code_prefix
    table = "dossiers_dossiercodecounter"
    cur = rowsql.cursor(connection)
    upsert = (
        f"INSERT INTO {table} (prefix, day, last) VALUES (%s, %s, 1) "  # noqa: S608 - constant table
        f"ON CONFLICT (prefix, day) DO UPDATE SET last = {table}.last + 1 RETURNING last"
    )
    if connection.vendor == "postgresql":
        cur.execute(
            upsert + ", nextval(pg_get_serial_sequence('dossiers_dossier', 'id'))", [prefix, day]
        )
        number, drawn = cur.fetchone()
    else:
        cur.execute(upsert, [prefix, day])
        number = cur.fetchone()[0]
        cur.execute(
            "SELECT COALESCE(MAX(seq), 0) + 1 FROM sqlite_sequence WHERE name = 'dossiers_dossier'"
        )
        drawn = cur.fetchone()[0]
    return format_dossier_code(prefix, day, number, rule.param("dossier_code_format")), drawn


def _append(
    dossier: Dossier,
    *,
    action: str,
    to_status: int,
    actor: Any,
    at: dt.datetime,
    note: str = "",
    agency: Agency | None = None,
    target_agency: Agency | None = None,
    data: dict[str, Any] | None = None,
    from_status: int | None | str = "current",
    first: bool = False,
) -> DossierEvent:
    """The dossier's event through the shared append (cchc.core.events): the sequence comes
    from the locked row's `last_event_seq` (no query), or is 1 for a new dossier, whose event
    is built but not inserted (`_new_dossier` writes it with the dossier's row)."""
    return events.append_event(
        DossierEvent,
        dossier,
        action=action,
        actor=actor,
        at=at,
        note=note,
        data=data,
        seq=1 if first else None,
        insert=not first,
        from_status=dossier.status if from_status == "current" else from_status,
        to_status=to_status,
        agency=agency or dossier.current_agency,
        target_agency=target_agency,
    )


def _announce(dossier: Dossier, action: str, event: DossierEvent | None) -> None:
    announce(
        Dossier,
        dossier_id=dossier.pk,
        action=action,
        event_id=event.pk if event else None,
        dossier=dossier,
        event=event,
    )


RELATED = (
    "procedure",
    "rule_version",
    "receiving_agency",
    "current_agency",
    "receiving_place",
    "competent_agency",
    "assignee",
)


def _lock(dossier: Dossier | str) -> Dossier:
    """Lock the dossier's row and read it afresh with its related rows (procedure, rule
    version, agencies, assignee), by its code alone (the API passes the code: no instance
    is built for a key) or by the caller's instance.

    One statement: SELECT … FOR UPDATE OF the dossier's row, each related row read by a key
    probe (rowsql.get_row), prepared once per connection. Everything the action then reads
    about the dossier is as of this transaction; the step templates rely on it (_template).
    (Session 2 took the related rows over from the caller's instance instead, when joining
    them cost more to plan than the action; with key probes and prepared statements it no
    longer does, docs/performance.md.)
    """
    if isinstance(dossier, str):
        found = rowsql.get_row(Dossier, "code", dossier, related=RELATED, for_update=True)
        if found is None:
            raise NotFound(_("No dossier %(code)s.") % {"code": dossier})
        return found
    return rowsql.lock_row(Dossier, dossier.pk, related=RELATED)


def _check(dossier: Dossier, action: str, actor: Any, at: dt.datetime) -> None:
    """The actor's right (NotPermitted, 403), then what the declaration of the action
    (state.ACTION_RULES) says of the locked dossier's state (TransitionNotAllowed, 409)."""
    policies.check(actor, action, dossier)
    why = refusal(dossier, action, None, at)  # the right was just checked
    if why is not None:
        raise TransitionNotAllowed(why)


def _derive(
    dossier: Dossier, action: str, at: dt.datetime, data: dict[str, Any] | None = None
) -> lifecycle.Derived:
    """The locked dossier's derived state after `action`, by the one step function that the
    import's replay uses too (cchc.dossiers.lifecycle); its refusal as our errors."""
    cal = calendar_for(dossier.receiving_agency.province_code, dossier.rule_version)
    try:
        return lifecycle.step(
            lifecycle.state_of(dossier),
            lifecycle.Act(action, at, data or {}),
            calendar=cal,
            legal_due=lambda received: (
                legal_due(
                    dossier.procedure, received, cal, dossier.procedure.terms_at(received)
                ).due_at
            ),
        )
    except lifecycle.Refused as exc:
        if exc.field:
            raise ValidationFailed(exc.message, field=exc.field) from None
        raise TransitionNotAllowed(exc.message) from None


# Names a caller sent (an agency code, a user name), looked up from the locked dossier only
# after the caller's right on it is checked: a caller who may not act learns nothing of which
# names exist, and the dossier is read once, under its lock. Returns the action's arguments.
Lookup = Callable[[Dossier], dict[str, Any]]


def _begin(
    dossier: Dossier | str,
    action: str,
    actor: Any,
    at: dt.datetime,
    data: dict[str, Any] | None = None,
) -> tuple[Dossier, lifecycle.Derived]:
    """The start of every action on an existing dossier: lock its row (read afresh), check
    the actor's right and the transition, and derive its state after `action` (with the
    action's `data`)."""
    dossier = _lock(dossier)
    _check(dossier, action, actor, at)
    return dossier, _derive(dossier, action, at, data)


def _done(dossier: Dossier, new: lifecycle.Derived, event: DossierEvent, *fields: str) -> Dossier:
    """The end of an action: store the derived state and the action's own `fields`, then
    announce the event (after commit)."""
    _save(dossier, *_store(dossier, new), *fields)
    _announce(dossier, event.action, event)
    return dossier


def _act(
    dossier: Dossier | str,
    action: str,
    to_status: int,
    *,
    actor: Any,
    at: dt.datetime,
    note: str = "",
    data: dict[str, Any] | None = None,
    close_step: bool = False,
    **fields: Any,
) -> Dossier:
    """A whole plain action (its arguments already checked): begin (lock, right, transition,
    derived state), close the open step if it ends the handling, append the event, set the
    action's own `fields` and finish (_done)."""
    dossier, new = _begin(dossier, action, actor, at)
    if close_step:
        _close_step(dossier, at)
    event = _append(
        dossier,
        action=action,
        to_status=to_status,
        actor=actor,
        at=at,
        note=note,
        data=data,
    )
    for name, value in fields.items():
        setattr(dossier, name, value)
    return _done(dossier, new, event, *fields)


def _store(dossier: Dossier, new: lifecycle.Derived) -> list[str]:
    """Write the derived fields the step changed onto the dossier; their names, to save."""
    changed = [name for name in lifecycle.FIELDS if getattr(dossier, name) != getattr(new, name)]
    for name in changed:
        setattr(dossier, name, getattr(new, name))
    return changed


def _reason(text: str, what: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationFailed(_("Please give the %(what)s.") % {"what": what}, field="reason")
    return text


def _save(dossier: Dossier, *fields: str) -> None:
    dossier.version += 1
    rowsql.update_row(
        dossier, [*fields, "version", "last_event_seq", "last_event_head", "updated_at"]
    )


def _close_step(dossier: Dossier, at: dt.datetime, step: DossierStep | None = None) -> None:
    """Close the dossier's open step (`step` when the caller already read it) with its
    early/on-time/late flag (the control slip, form 06)."""
    step = step or rowsql.latest_row(
        DossierStep, {"dossier": dossier.pk, "completed_at": None}, "seq"
    )
    if step is None:
        return
    step.completed_at = at
    if step.due_at is None or at <= step.due_at:
        # early = finished with at least the rule's working time to spare (the control slip of
        # Circular 01/2018); the threshold is the rule version's data, no early flag without it
        threshold = dossier.rule_version.param(EARLY_STEP_PARAM) if dossier.rule_version else None
        cal = calendar_for(dossier.receiving_agency.province_code, dossier.rule_version)
        spare = cal.working_seconds_between(at, step.due_at) if step.due_at else 0
        early = threshold is not None and step.due_at is not None and spare >= threshold
        step.outcome = StepOutcome.EARLY if early else StepOutcome.ON_TIME
    else:
        step.outcome = StepOutcome.LATE
    rowsql.update_row(step, ["completed_at", "outcome"])


def _extend_open_step(dossier: Dossier, paused_seconds: int) -> DossierStep | None:
    """The step in progress while the applicant supplemented the dossier is due later by the
    working time the wait took, as the dossier is (the wait is not counted, domain.md §3):
    without it the control slip (form 06) flagged the step late, the dossier on time."""
    step = rowsql.latest_row(DossierStep, {"dossier": dossier.pk, "completed_at": None}, "seq")
    if step is None or step.due_at is None or paused_seconds <= 0:
        return step
    cal = calendar_for(dossier.receiving_agency.province_code, dossier.rule_version)
    step.due_at = cal.add_working_seconds(step.due_at, paused_seconds)
    rowsql.update_row(step, ["due_at"])
    return step


# Step templates per procedure, keyed by the procedure's updated_at (editing the steps bumps
# it): a process never uses templates older than the row.
_step_templates: dict[int, tuple[dt.datetime, dict[int, tuple[float, str]]]] = {}


def _template(procedure: Procedure, order: int) -> tuple[float, str] | None:
    """The step template `order` of the procedure. `procedure` must have been read in this
    transaction (the dossier's, as _lock reads it), so its updated_at is the row's own."""
    updated_at = procedure.updated_at
    hit = _step_templates.get(procedure.pk)
    if hit is None or hit[0] != updated_at:
        hit = (
            updated_at,
            {t.order: (float(t.working_hours), t.name) for t in procedure.step_templates.all()},
        )
        _step_templates[procedure.pk] = hit
    return hit[1].get(order)


def _open_step(
    dossier: Dossier,
    *,
    agency: Agency,
    name: str,
    at: dt.datetime,
    actor: Any,
    assignee: Any = None,
    hours: float | None = None,
    seq: int,
) -> DossierStep:
    if hours is None:
        template = _template(dossier.procedure, seq)
        hours = template[0] if template else None
        if template and not name:
            name = template[1]
    cal = calendar_for(dossier.receiving_agency.province_code, dossier.rule_version)
    # Handed over after the rule version's cut-off (its `cutoff`, 15:00 in Hà Nội's process
    # decisions), outside working hours or on a day off, the step counts from the next working
    # instant/day, as a reception does: its due time is then always inside working time.
    due = (
        cal.add_working_seconds(cal.counting_start(at)[0], hours * 3600)
        if hours
        else dossier.due_at
    )
    return rowsql.insert_row(
        DossierStep(
            dossier=dossier,
            seq=seq,
            name=name or _("Processing"),
            agency=agency,
            handed_by=actor_user(actor),
            assignee=assignee,
            started_at=at,
            due_at=due,
        )
    )


# -- intake ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Applicant:
    name: str
    id_hash: str = ""
    id_last4: str = ""
    phone: str = ""
    email: str = ""
    address: str = ""
    account: Any = None
    # "PERSON" or "ORGANISATION" (models.ApplicantKind); an organisation's tax code
    kind: str = "PERSON"
    tax_code: str = ""
    # how the identity was checked against the national population database (IdentityCheck)
    identity_check: str = "none"


def _validate_intake(
    procedure: Procedure,
    receiving_agency: Agency,
    competent_agency: Agency,
    applicant: Applicant,
    on: dt.date,
) -> None:
    if procedure.status != Procedure.Status.PUBLISHED:
        raise ValidationFailed(
            _("Procedure %(code)s is not published.") % {"code": procedure.code}, field="procedure"
        )
    if not is_in_force(procedure.valid_from, procedure.valid_to, on):
        raise ValidationFailed(
            _("Procedure %(code)s is not in force on this date.") % {"code": procedure.code},
            field="procedure",
        )
    for agency, fld in (
        (receiving_agency, "receiving_agency"),
        (competent_agency, "competent_agency"),
    ):
        if not agency.is_valid_on(on):
            raise ValidationFailed(
                _("Agency %(code)s no longer exists on this date.") % {"code": agency.code},
                field=fld,
            )
    if not rowsql.exists(
        Procedure.agencies.through, {"procedure": procedure.pk, "agency": competent_agency.pk}
    ):
        raise ValidationFailed(
            _("Agency %(agency)s does not handle procedure %(code)s.")
            % {"agency": competent_agency.name, "code": procedure.code},
            field="competent_agency",
        )
    if not (applicant.name or "").strip():
        raise ValidationFailed(_("Please enter the applicant's name."), field="applicant_name")
    for value, limit, fld in (
        (applicant.name, APPLICANT_NAME_MAX, "applicant_name"),
        (applicant.address, APPLICANT_ADDRESS_MAX, "applicant_address"),
    ):
        if refusal := too_long(value, limit):
            raise ValidationFailed(refusal, field=fld)
    _check_identity_check(applicant.identity_check)


def too_long(value: str | None, limit: int) -> str | None:
    """Why a text the applicant wrote is refused for its length (None: it fits). Refused, never
    cut: a cut text would silently change what the applicant asked for."""
    count = len(value or "")
    if count <= limit:
        return None
    return _("At most %(limit)s characters are allowed; this text has %(count)s.") % {
        "limit": limit,
        "count": count,
    }


def _check_identity_check(value: str) -> None:
    """How the identity was checked against the population database: one of IdentityCheck."""
    if value not in IdentityCheck.values:
        raise ValidationFailed(
            _("Unknown identity check %(value)r: choose one of %(known)s.")
            % {"value": value, "known": ", ".join(IdentityCheck.values)},
            field="identity_check",
        )


class DossierIntake(TypedDict, total=False):
    """What a new dossier is opened with on either channel, besides who opens it, when and
    how (the keywords `submit_online` and `intake_at_counter` share). The competent agency
    is the receiving agency when not given."""

    procedure: Required[Procedure]
    receiving_agency: Required[Agency]
    competent_agency: Agency | None
    applicant: Required[Applicant]
    details: dict[str, Any] | None


def _new_dossier(
    *,
    actor: Any,
    at: dt.datetime,
    channel: int,
    status: int,
    receiving_place: Agency | None = None,
    fee_amount: int | None = None,
    event_data: dict[str, Any] | None = None,
    **intake: Unpack[DossierIntake],
) -> tuple[Dossier, DossierEvent]:
    """Validate and insert a new dossier with its search text and its first event (seq 1, at
    the place of reception, by default the receiving agency), one statement on PostgreSQL:
    "submit" for an online submission, "receive" for a dossier received at once (with its
    appointment). `event_data` adds to the event's data."""
    # callers outside the type gate (views, tests) get the TypeError explicit keywords gave
    unknown = intake.keys() - DossierIntake.__annotations__.keys()
    if unknown:
        raise TypeError(f"unexpected keyword argument(s): {', '.join(sorted(unknown))}")
    procedure = intake["procedure"]
    receiving_agency = intake["receiving_agency"]
    competent_agency = intake.get("competent_agency") or receiving_agency
    applicant = intake["applicant"]
    local_day = at.astimezone(LOCAL_TZ).date()
    rule = one_stop_rule(local_day)
    _validate_intake(procedure, receiving_agency, competent_agency, applicant, local_day)
    received = status == S.RECEIVED
    due = (
        legal_due(
            procedure,
            at,
            calendar_for(receiving_agency.province_code, rule),
            procedure.terms_at(at),
        ).due_at
        if received
        else None
    )
    dossier = Dossier(
        received_at=at if received else None,
        appointment_at=due,
        initial_appointment_at=due,
        due_at=due,
        procedure=procedure,
        rule_version=rule,
        form_set=rule.param("form_set", ""),
        channel=channel,
        receiving_place=receiving_place or receiving_agency,
        receiving_agency=receiving_agency,
        competent_agency=competent_agency,
        current_agency=receiving_agency,
        applicant=applicant.account,
        applicant_name=applicant.name.strip(),
        applicant_id_hash=applicant.id_hash,
        applicant_id_last4=applicant.id_last4,
        applicant_kind=applicant.kind,
        applicant_tax_code=applicant.tax_code,
        applicant_phone=applicant.phone,
        applicant_email=applicant.email,
        applicant_address=applicant.address,
        identity_check=applicant.identity_check,
        uses_population_data=applicant.identity_check != IdentityCheck.NOT_CHECKED,
        status=status,
        submitted_at=at,
        fee_amount=procedure.total_fee if fee_amount is None else fee_amount,
        details=intake.get("details") or {},
    )
    # Codes imported from the previous system may already use the next number: the insert
    # skips a taken code (no error, no extra lookup) and the next number is tried.
    data = {
        **({"appointment_at": _fmt_iso(dossier.appointment_at)} if received else {}),
        "identity_check": dossier.identity_check,
        **(event_data or {}),
    }
    while True:
        dossier.code, dossier.pk = _issue_code(receiving_agency, local_day, rule)
        # the first event is hashed with the dossier's id, and its head kept on the dossier
        event = _append(
            dossier,
            action="receive" if received else "submit",
            to_status=status,
            actor=actor,
            at=at,
            from_status=None,
            first=True,
            agency=dossier.receiving_place,
            data=data,
        )
        if rowsql.insert_row_unless_taken(
            dossier, "code", DossierSearch.for_dossier(dossier), event
        ):
            return dossier, event


@transaction.atomic
def submit_online(
    *,
    actor: Any,
    at: dt.datetime | None = None,
    channel: int = Channel.ONLINE,
    **intake: Unpack[DossierIntake],
) -> Dossier:
    """An applicant submits a dossier online: status 1, waiting for the agency to accept it."""
    require_actor(actor)
    dossier, event = _new_dossier(
        actor=actor,
        at=when(at),
        channel=channel,
        status=S.SUBMITTED,
        # received where it was sent, at the procedure's fee: an online applicant sets neither
        receiving_place=None,
        fee_amount=None,
        **intake,
    )
    _announce(dossier, "submit", event)
    return dossier


@transaction.atomic
def intake_at_counter(
    *,
    actor: Any,
    at: dt.datetime | None = None,
    channel: int = Channel.IN_PERSON,
    receiving_place: Agency | None = None,
    fee_amount: int | None = None,
    checklist: Sequence[tuple[RequiredDocument, str]] | None = None,
    scans: Sequence[tuple[RequiredDocument | None, Any]] = (),
    reused: Sequence[tuple[RequiredDocument | None, DigitizedDocument]] = (),
    **intake: Unpack[DossierIntake],
) -> Dossier:
    """A clerk receives a complete dossier at the counter: receipt and appointment (form 01).

    `receiving_place` may be any centre of the province (boundary-free intake); the clerk must
    belong to it or to the receiving agency.

    `checklist`: the components handed in, each with its form (ReceivedAs: original, copy,
    electronic); when given, every mandatory component of the procedure must be on it (the
    counter receives only a complete dossier) and form 01 lists exactly these lines.
    `scans`: uploaded files (component, file), each checked like every upload and kept as a
    reusable digitised document of the applicant; `reused`: the applicant's earlier
    digitised documents. Every file is checked before anything is written: a bad one leaves
    nothing behind.
    """
    at = when(at)
    procedure = intake["procedure"]
    receiving_agency = intake["receiving_agency"]
    applicant = intake["applicant"]
    place = receiving_place or receiving_agency
    try:
        policies.check_intake(actor, place)
    except NotPermitted:
        policies.check_intake(actor, receiving_agency)
    lines = _checked_checklist(procedure, checklist)
    for component, upload in scans:
        _check_component_of(procedure, component)
        try:
            check_upload(upload)
        except ValidationFailed as exc:
            raise ValidationFailed(exc.message, field=_scan_field(component)) from exc
    for component, document in reused:
        _check_component_of(procedure, component)
        if not applicant.id_hash or document.owner_id_hash != applicant.id_hash:
            raise NotPermitted(_("Only the applicant's own earlier documents can be reused."))
    dossier, event = _new_dossier(
        actor=actor,
        at=at,
        channel=channel,
        status=S.RECEIVED,
        receiving_place=place,
        fee_amount=fee_amount,
        event_data=(
            {"checklist": [[c.pk, c.name, how] for c, how in lines]}
            if checklist is not None
            else None
        ),
        **intake,
    )
    if lines:
        ReceivedComponent.objects.bulk_create(
            ReceivedComponent(dossier=dossier, required_document=c, name=c.name, received_as=how)
            for c, how in lines
        )
    _announce(dossier, "receive", event)
    # the scans, each stored just before it is linked, then the reused documents
    links = itertools.chain(
        (
            (
                "attach_document",
                component,
                store_document(upload=upload, owner_id_hash=applicant.id_hash, actor=actor),
            )
            for component, upload in scans
        ),
        (("reuse_document", component, document) for component, document in reused),
    )
    for action, component, document in links:
        _link_document(
            dossier,
            action=action,
            actor=actor,
            document=document,
            required_document=component,
            at=at,
        )
    return dossier


def _scan_field(component: RequiredDocument | None) -> str:
    return f"scan_{component.pk}" if component is not None else "scans"


def _check_component_of(procedure: Procedure, component: RequiredDocument | None) -> None:
    if component is not None and component.procedure_id != procedure.pk:
        raise ValidationFailed(
            _("This document is not part of the procedure."), field="required_document"
        )


def _checked_checklist(
    procedure: Procedure, checklist: Sequence[tuple[RequiredDocument, str]] | None
) -> list[tuple[RequiredDocument, str]]:
    """The counter checklist, checked: components of this procedure, each once, in a known
    form, every mandatory one present (Decree 118/2025: the counter receives a complete
    dossier; an incomplete one gets a supplement guide instead)."""
    if checklist is None:
        return []
    lines: list[tuple[RequiredDocument, str]] = []
    seen: set[int] = set()
    for component, how in checklist:
        _check_component_of(procedure, component)
        if how not in ReceivedAs.values:
            raise ValidationFailed(
                _("Choose how %(name)s was handed in.") % {"name": component.name},
                field=f"received_{component.pk}",
            )
        if component.pk in seen:
            continue
        seen.add(component.pk)
        lines.append((component, how))
    for component in procedure.required_documents.filter(mandatory=True):
        if component.pk not in seen:
            raise ValidationFailed(
                _("The dossier is not complete: %(name)s was not handed in.")
                % {"name": component.name},
                field=f"received_{component.pk}",
            )
    return lines


# -- actions on an existing dossier ---------------------------------------------------------
@transaction.atomic
def receive(
    dossier: Dossier | str,
    *,
    actor: Any,
    at: dt.datetime | None = None,
    note: str = "",
    identity_check: str | None = None,
) -> Dossier:
    """Accept an online dossier (1 → 2): receipt with the appointment date. `identity_check`:
    how the clerk checked the applicant's identity against the population database on
    acceptance (None keeps what the submission recorded)."""
    at = when(at)
    if identity_check is not None:
        _check_identity_check(identity_check)
    dossier, new = _begin(dossier, "receive", actor, at)
    if identity_check is not None:
        dossier.identity_check = identity_check
        dossier.uses_population_data = identity_check != IdentityCheck.NOT_CHECKED
    event = _append(
        dossier,
        action="receive",
        to_status=S.RECEIVED,
        actor=actor,
        at=at,
        note=note,
        data={
            "appointment_at": _fmt_iso(new.appointment_at),
            "identity_check": dossier.identity_check,
        },
    )
    return _done(dossier, new, event, "identity_check", "uses_population_data")


@transaction.atomic
def refuse(
    dossier: Dossier | str, *, actor: Any, reason: str, at: dt.datetime | None = None
) -> Dossier:
    """Refuse at reception (form 03), with reasons."""
    at = when(at)
    reason = _reason(reason, _("reason for refusal"))
    return _act(dossier, "refuse", S.REFUSED, actor=actor, at=at, note=reason)


@transaction.atomic
def transfer(
    dossier: Dossier | str,
    *,
    actor: Any,
    to_agency: Agency | None = None,
    step_name: str = "",
    assignee: Any = None,
    note: str = "",
    at: dt.datetime | None = None,
    hours: float | None = None,
    lookup: Lookup | None = None,
) -> Dossier:
    """Hand the dossier over to the next step (same or another agency) on the control slip.

    Each step gets its own due time from the step template, counted like a reception: a
    hand-over after the rule's cut-off (15:00 in Hà Nội's process decisions) counts from the
    next working day (`_open_step`). `lookup` (see `Lookup`) gives `to_agency` and
    `assignee` from names, once the caller's right is checked.
    """
    at = when(at)
    dossier, new = _begin(dossier, "transfer", actor, at)
    if lookup is not None:
        names = lookup(dossier)
        to_agency, assignee = names["to_agency"], names.get("assignee")
    if to_agency is None:
        raise ValidationFailed(_("Please give the agency code."), field="to_agency")
    if not to_agency.is_valid_on(at.astimezone(LOCAL_TZ).date()):
        raise ValidationFailed(
            _("Agency %(code)s no longer exists.") % {"code": to_agency.code}, field="to_agency"
        )
    if assignee is not None:
        policies.check_assignee(assignee, to_agency)
    last = rowsql.latest_row(DossierStep, {"dossier": dossier.pk}, "seq")
    if last is not None:  # an open step is normally the newest one; else look for an older one
        _close_step(dossier, at, last if last.completed_at is None else None)
    step = _open_step(
        dossier,
        agency=to_agency,
        name=step_name,
        at=at,
        actor=actor,
        assignee=assignee,
        hours=hours,
        seq=(last.seq if last else 0) + 1,
    )
    event = _append(
        dossier,
        action="transfer",
        to_status=S.PROCESSING,
        actor=actor,
        at=at,
        note=note,
        target_agency=to_agency,
        data={"step": step.seq, "step_due_at": step.due_at.isoformat() if step.due_at else None},
    )
    dossier.current_agency = to_agency
    dossier.assignee = assignee
    return _done(dossier, new, event, "current_agency", "assignee")


@transaction.atomic
def assign(
    dossier: Dossier | str,
    *,
    actor: Any,
    assignee: Any = None,
    at: dt.datetime | None = None,
    lookup: Lookup | None = None,
) -> Dossier:
    """A leader names who handles the dossier at its current unit (status and step kept);
    `lookup` (see `Lookup`) gives the `assignee` from a name once the leader's right is
    checked."""
    at = when(at)
    dossier = _lock(dossier)
    _check(dossier, "assign", actor, at)
    if lookup is not None:
        assignee = lookup(dossier)["assignee"]
    policies.check_assignee(assignee, dossier.current_agency)
    event = _append(
        dossier,
        action="assign",
        to_status=dossier.status,
        actor=actor,
        at=at,
        data={"assignee": assignee.pk, "assignee_name": actor_label(assignee)},
    )
    dossier.assignee = assignee
    _save(dossier, "assignee")
    DossierStep.objects.filter(dossier=dossier, completed_at__isnull=True).update(assignee=assignee)
    _announce(dossier, "assign", event)
    return dossier


@transaction.atomic
def request_supplement(
    dossier: Dossier | str, *, actor: Any, reason: str, at: dt.datetime | None = None
) -> Dossier:
    """Ask the applicant to supplement the dossier (form 02). The clock pauses.

    Only one complete request is lawful; a second one is recorded but makes the dossier late
    under the 766 rule.
    """
    at = when(at)
    reason = _reason(reason, _("documents to supplement"))
    dossier, new = _begin(dossier, "request_supplement", actor, at)
    event = _append(
        dossier,
        action="request_supplement",
        to_status=S.SUPPLEMENT,
        actor=actor,
        at=at,
        note=reason,
        data={"request_number": new.supplement_count},
    )
    return _done(dossier, new, event)


@transaction.atomic
def receive_supplement(
    dossier: Dossier | str, *, actor: Any, note: str = "", at: dt.datetime | None = None
) -> Dossier:
    """The applicant's supplement arrived: the clock resumes and the due time moves."""
    at = when(at)
    dossier, new = _begin(dossier, "receive_supplement", actor, at)
    # the files the applicant uploaded online for this request become the dossier's documents
    taken = _take_supplement_uploads(dossier, at)
    paused = new.paused_seconds - dossier.paused_seconds
    step = _extend_open_step(dossier, paused)
    event = _append(
        dossier,
        action="receive_supplement",
        to_status=cast(int, new.status),  # the step always gives a status
        actor=actor,
        at=at,
        note=note,
        data={
            "paused_working_seconds": paused,
            **({"documents": [doc.pk for doc in taken]} if taken else {}),
            **(
                {"step": step.seq, "step_due_at": step.due_at.isoformat()}
                if step is not None and step.due_at is not None
                else {}
            ),
        },
    )
    _save(dossier, *_store(dossier, new), *derive_document_flags(dossier))
    _announce(dossier, "receive_supplement", event)
    return dossier


@transaction.atomic
def request_payment(
    dossier: Dossier | str,
    *,
    actor: Any,
    amount: int,
    note: str = "",
    at: dt.datetime | None = None,
) -> Dossier:
    """Ask the applicant to fulfil a financial obligation (status 6)."""
    at = when(at)
    if not isinstance(amount, int) or amount <= 0:
        raise ValidationFailed(
            _("The amount must be a positive whole number of đồng."), field="amount"
        )
    return _act(
        dossier,
        "request_payment",
        S.FINANCIAL,
        actor=actor,
        at=at,
        note=note,
        data={"amount": amount},
        fee_amount=amount,
    )


@transaction.atomic
def confirm_payment(
    dossier: Dossier | str,
    *,
    actor: Any,
    online: int = OnlinePayment.NO,
    note: str = "",
    at: dt.datetime | None = None,
) -> Dossier:
    at = when(at)
    if online not in OnlinePayment.values:
        raise ValidationFailed(_("Unknown payment channel."), field="online")
    return _act(
        dossier,
        "confirm_payment",
        S.PROCESSING,
        actor=actor,
        at=at,
        note=note,
        data={"online": online},
        paid_online=online,
    )


@transaction.atomic
def withdraw(
    dossier: Dossier | str, *, actor: Any, reason: str, at: dt.datetime | None = None
) -> Dossier:
    """The applicant withdraws the dossier (status 7)."""
    at = when(at)
    reason = _reason(reason, _("reason for withdrawal"))
    return _act(dossier, "withdraw", S.WITHDRAWN, actor=actor, at=at, note=reason, close_step=True)


@transaction.atomic
def stop(
    dossier: Dossier | str, *, actor: Any, reason: str, at: dt.datetime | None = None
) -> Dossier:
    """Stop processing (form 05, notice of stopping)."""
    at = when(at)
    reason = _reason(reason, _("reason for stopping"))
    return _act(dossier, "stop", S.STOPPED, actor=actor, at=at, note=reason, close_step=True)


@transaction.atomic
def finish(
    dossier: Dossier | str,
    *,
    actor: Any,
    note: str = "",
    electronic_result: bool = False,
    result: Any = None,
    at: dt.datetime | None = None,
) -> Dossier:
    """Processing finished (status 9): the result waits at the receiving counter.

    Refused without a result: a result note (`note`: what was decided, the number of the
    paper issued) or the file (check_result_given).

    `result`: the electronic result (a PDF file), kept as a document of the dossier with the
    role RESULT; the citizen downloads it once it is returned, and the 766 "electronic result"
    flag follows from that record only. `electronic_result=True` without the file is refused:
    a bare claim is not a record (Decision 766: the metric counts results issued
    electronically)."""
    at = when(at)
    if electronic_result and not result:
        raise ValidationFailed(
            _(
                "An electronic result is recorded by attaching the result file (PDF), not by a "
                "checkbox: attach the file or leave electronic_result out."
            ),
            field="electronic_result",
        )
    if result and check_upload(result) != "application/pdf":
        raise ValidationFailed(_("The electronic result must be a PDF file."), field="result")
    dossier, new = _begin(dossier, "finish", actor, at)
    # after the permission and transition checks, so a caller who may not finish is told so
    check_result_given(note=note, result=result)
    _close_step(dossier, at)
    if result:
        document = store_document(
            upload=result, owner_id_hash=dossier.applicant_id_hash, actor=actor
        )
        rowsql.insert_row(
            DossierDocument(dossier=dossier, document=document, role=DossierDocument.Role.RESULT)
        )
    event = _append(
        dossier,
        action="finish",
        to_status=S.FINISHED,
        actor=actor,
        at=at,
        note=note,
        data={
            "electronic_result": bool(result),
            **({"result_document": document.pk} if result else {}),
        },
    )
    # the flags follow the document records, which only an attached result changes here
    derived = derive_document_flags(dossier) if result else []
    dossier.current_agency = dossier.receiving_agency
    _save(dossier, *_store(dossier, new), "current_agency", *derived)
    _announce(dossier, "finish", event)
    return dossier


def check_result_given(*, note: str, result: Any) -> None:
    """A dossier is finished with its result: a result note (what was decided, the number of
    the paper issued) or the electronic result file. Finishing with neither left the counter
    nothing to hand over and the control slip nothing to show (domain.md §3: "result returned
    and logged"). `finish` asks it of every caller; the staff form and the API ask it first
    too, to show the refusal beside the field."""
    if not (note or "").strip() and not result:
        raise ValidationFailed(
            _(
                "Please give the result: write what was decided (a result note) or attach the "
                "electronic result file."
            ),
            field="note",
        )


@transaction.atomic
def return_result(
    dossier: Dossier | str, *, actor: Any, note: str = "", at: dt.datetime | None = None
) -> Dossier:
    """The result is handed to the applicant and logged (status 10)."""
    at = when(at)
    dossier, new = _begin(dossier, "return_result", actor, at)
    event = _append(
        dossier,
        action="return_result",
        to_status=S.RETURNED,
        actor=actor,
        at=at,
        note=note,
        agency=dossier.receiving_place or dossier.receiving_agency,
    )
    return _done(dossier, new, event)


@transaction.atomic
def apologize(
    dossier: Dossier | str,
    *,
    actor: Any,
    reason: str,
    new_appointment_at: dt.datetime,
    at: dt.datetime | None = None,
) -> Dossier:
    """Written apology with a new appointment date (form 04).

    Decree 118/2025 asks for it before the due date; after it the dossier is late but the
    apology is still owed, so it is accepted then too. It needs a reason, and the new date
    must be in the future, later than the current appointment and in working time.
    """
    at = when(at)
    reason = _reason(reason, _("reason for the delay"))
    if new_appointment_at is None or timezone.is_naive(new_appointment_at):
        raise ValidationFailed(
            _("Please give the new appointment date and time."), field="new_appointment_at"
        )
    # later than the current appointment and in working time: checked by the step function
    dossier, new = _begin(
        dossier, "apologize", actor, at, {"new_appointment_at": new_appointment_at}
    )
    current = dossier.appointment_at or dossier.due_at
    event = _append(
        dossier,
        action="apologize",
        to_status=dossier.status,
        actor=actor,
        at=at,
        note=reason,
        data={
            "new_appointment_at": new_appointment_at.isoformat(),
            "previous_appointment_at": _fmt_iso(current),
        },
    )
    return _done(dossier, new, event)


# -- documents and the evaluation: records on the control slip (the status is kept) -------
def store_document(*, upload: Any, owner_id_hash: str, actor: Any) -> DigitizedDocument:
    """Check an uploaded file by its content (type sniffed, size limited: cchc.core.uploads)
    and keep it as a digitised document (bản số hóa) of the person whose ID hash is given, so
    it can be reused in their later dossiers. Every upload, at the counter, on the portal or
    in a supplement, takes this path."""
    content_type = check_upload(upload)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    doc = DigitizedDocument(
        owner_id_hash=owner_id_hash,
        name=(upload.name or "document")[-300:],
        content_type=content_type,
        size=upload.size,
        sha256=digest.hexdigest(),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    doc.file.save(_safe_name(upload.name), ContentFile(upload.read()), save=False)
    doc.save()
    return doc


def _safe_name(name: str) -> str:
    base = "".join(ch if ch.isalnum() or ch in "._-" else "_" for ch in (name or "document"))
    return base[-80:] or "document"


def _check_document_writer(actor: Any, dossier: Dossier) -> None:
    """The applicant's own account, staff who may receive a supplement of the dossier (the
    clerk at its counter, the specialist handling it), or a system actor."""
    if is_system(require_actor(actor)):
        return
    if _is_applicant(actor, dossier):
        return
    if policies.can(actor, "receive_supplement", dossier):
        return
    raise NotPermitted(
        _("You are not allowed to do this on dossier %(code)s.") % {"code": dossier.code}
    )


def _is_applicant(actor: Any, dossier: Dossier) -> bool:
    return getattr(actor, "is_authenticated", False) and dossier.applicant_id == actor.pk


def _check_applicant(actor: Any, dossier: Dossier, proven: bool, refusal: str) -> None:
    """Only the applicant may go on: `proven` by the caller (code and ID number, a registered
    kiosk), a system actor, or the applicant's own account; else NotPermitted(`refusal`, a
    message with the dossier's %(code)s)."""
    if proven or is_system(require_actor(actor)) or _is_applicant(actor, dossier):
        return
    raise NotPermitted(refusal % {"code": dossier.code})


def _check_component(dossier: Dossier, required_document: Any) -> None:
    if required_document is not None and required_document.procedure_id != dossier.procedure_id:
        raise ValidationFailed(
            _("This document is not part of the procedure."), field="required_document"
        )


def derive_document_flags(dossier: Dossier) -> list[str]:
    """The 766 flags "digitised components", "reused digitised data" and "electronic result"
    as the dossier's document records say (never a checkbox): set on the instance; returns
    the fields that changed."""
    roles = dict.fromkeys(DossierDocument.Role.values, False)
    reused = False
    # one fixed statement (rowsql): every finish asks it
    for role, was_reused in rowsql.values(
        DossierDocument, ("role", "reused"), {"dossier": dossier.pk}
    ):
        roles[role] = True
        reused = reused or (was_reused and role == DossierDocument.Role.COMPONENT)
    wanted = {
        "has_digitized_components": roles[DossierDocument.Role.COMPONENT],
        "reused_digitized_data": reused,
        "has_electronic_result": roles[DossierDocument.Role.RESULT],
    }
    changed = [name for name, value in wanted.items() if getattr(dossier, name) != value]
    for name in changed:
        setattr(dossier, name, wanted[name])
    return changed


def _link_document(
    dossier: Dossier,
    *,
    action: str,
    actor: Any,
    document: DigitizedDocument,
    required_document: Any,
    at: dt.datetime,
    note: str = "",
) -> DossierDocument:
    """Attach a component under the dossier's lock (held by the caller): the link, its event,
    the flags derived from the records, the announcement. `action`: "attach_document" for a
    newly digitised document, "reuse_document" for an earlier one (the link is then reused)."""
    role = DossierDocument.Role.COMPONENT
    if rowsql.exists(DossierDocument, {"dossier": dossier.pk, "document": document.pk}):
        raise ValidationFailed(
            _("This document is already attached to dossier %(code)s.") % {"code": dossier.code},
            field="document",
        )
    link = rowsql.insert_row(
        DossierDocument(
            dossier=dossier,
            required_document=required_document,
            document=document,
            role=role,
            reused=action == "reuse_document",
        )
    )
    event = _append(
        dossier,
        action=action,
        to_status=dossier.status,
        actor=actor,
        at=at,
        note=note,
        data={
            "document": document.pk,
            "name": document.name,
            "sha256": document.sha256,
            "required_document": getattr(required_document, "pk", None),
            "role": role,
        },
    )
    _save(dossier, *derive_document_flags(dossier))
    _announce(dossier, action, event)
    return link


@transaction.atomic
def attach_document(
    dossier: Dossier,
    *,
    actor: Any,
    document: DigitizedDocument,
    required_document: Any = None,
    at: dt.datetime | None = None,
    note: str = "",
) -> DossierDocument:
    """Attach a newly digitised document (bản số hóa) to a component of an open dossier."""
    at = when(at)
    dossier = _open_for_documents(dossier, actor, required_document)
    if document.owner_id_hash and document.owner_id_hash != dossier.applicant_id_hash:
        raise NotPermitted(_("This document belongs to another person."))
    return _link_document(
        dossier,
        action="attach_document",
        actor=actor,
        document=document,
        required_document=required_document,
        at=at,
        note=note,
    )


def _open_for_documents(dossier: Dossier, actor: Any, required_document: Any) -> Dossier:
    """Lock an open dossier for a document written by someone who may write its documents,
    to one of its procedure's components (attach_document, reuse_document)."""
    dossier = _lock(dossier)
    _check_document_writer(actor, dossier)
    if not dossier.is_open:
        raise TransitionNotAllowed(_("Dossier %(code)s is closed.") % {"code": dossier.code})
    _check_component(dossier, required_document)
    return dossier


@transaction.atomic
def reuse_document(
    dossier: Dossier,
    *,
    actor: Any,
    document: DigitizedDocument,
    required_document: Any = None,
    at: dt.datetime | None = None,
) -> DossierDocument:
    """Attach an earlier digitised document of the same person (tái sử dụng dữ liệu số hóa):
    the dossier then counts for the 766 "reused digitised data" metric."""
    at = when(at)
    dossier = _open_for_documents(dossier, actor, required_document)
    if not dossier.applicant_id_hash or document.owner_id_hash != dossier.applicant_id_hash:
        raise NotPermitted(_("Only the applicant's own earlier documents can be reused."))
    return _link_document(
        dossier,
        action="reuse_document",
        actor=actor,
        document=document,
        required_document=required_document,
        at=at,
    )


@transaction.atomic
def record_evaluation(
    dossier: Dossier,
    *,
    actor: Any,
    scores: dict[str, int],
    satisfaction: int,
    comment: str = "",
    channel: str = "PORTAL",
    applicant_proven: bool = False,
    label: str = "",
    at: dt.datetime | None = None,
) -> Evaluation:
    """The applicant's rating once the result is returned (status 10), one per dossier.

    `scores` are already checked against the criteria in force (the caller owns their
    definition); this records them. `applicant_proven`: the caller established that the
    applicant is the one rating (dossier code and ID number, or a registered counter kiosk);
    otherwise only the applicant's own account (or a system actor) may rate.
    """
    at = when(at)
    if not isinstance(satisfaction, int) or not 1 <= satisfaction <= 5:
        raise ValidationFailed(
            _("Please choose your satisfaction from 1 to 5."), field="satisfaction"
        )
    dossier = _lock(dossier)
    _check_applicant(
        actor, dossier, applicant_proven, _("Only the applicant can rate dossier %(code)s.")
    )
    if dossier.status != S.RETURNED:
        raise TransitionNotAllowed(
            _("The service can be rated only after the result has been returned.")
        )
    if rowsql.exists(Evaluation, {"dossier": dossier.pk}):
        raise TransitionNotAllowed(
            _("Dossier %(code)s has already been rated. Thank you!") % {"code": dossier.code}
        )
    try:
        with transaction.atomic():
            evaluation = Evaluation.objects.create(
                dossier=dossier,
                scores=dict(scores),
                satisfaction=satisfaction,
                comment=(comment or "").strip()[:2000],
                channel=channel,
            )
    except IntegrityError as exc:  # a parallel submission won the race
        raise TransitionNotAllowed(
            _("Dossier %(code)s has already been rated. Thank you!") % {"code": dossier.code}
        ) from exc
    event = _append(
        dossier,
        action="evaluate",
        to_status=dossier.status,
        actor=actor,
        at=at,
        data={
            "satisfaction": satisfaction,
            "points": sum(int(v) for v in scores.values()),
            "channel": channel,
            **({"label": label} if label else {}),
        },
    )
    dossier.rating = satisfaction
    _save(dossier, "rating")
    _announce(dossier, "evaluate", event)
    return evaluation


def _take_supplement_uploads(dossier: Dossier, at: dt.datetime) -> list[DigitizedDocument]:
    pending = list(
        SupplementUpload.objects.filter(dossier=dossier, received_at__isnull=True)
        .select_related("document")
        .order_by("pk")
    )
    attached = set(
        DossierDocument.objects.filter(dossier=dossier).values_list("document_id", flat=True)
    )
    for upload in pending:
        if upload.document_id not in attached:
            rowsql.insert_row(
                DossierDocument(
                    dossier=dossier, document=upload.document, role=DossierDocument.Role.COMPONENT
                )
            )
            attached.add(upload.document_id)
    SupplementUpload.objects.filter(pk__in=[u.pk for u in pending]).update(received_at=at)
    return [u.document for u in pending]


@transaction.atomic
def submit_supplement(
    dossier: Dossier,
    *,
    actor: Any,
    uploads: Sequence[Any],
    applicant_proven: bool = False,
    at: dt.datetime | None = None,
) -> list[SupplementUpload]:
    """The applicant uploads the requested papers on the status page (online supplement).

    Allowed while the dossier waits for a supplement; a second upload before the clerk
    receives it adds to the first. Once the supplement was received the upload is refused
    (a new request comes from the agency). Every file passes the one upload check before
    anything is written. `applicant_proven`: the caller established the applicant (signed in
    as the applicant, or code and ID number / phone in this session)."""
    at = when(at)
    uploads = [u for u in uploads if u]
    if not uploads:
        raise ValidationFailed(_("Please choose at least one file."), field="files")
    for upload in uploads:
        try:
            check_upload(upload)
        except ValidationFailed as exc:
            raise ValidationFailed(exc.message, field="files") from exc
    dossier = _lock(dossier)
    _check_applicant(
        actor, dossier, applicant_proven, _("Only the applicant can supplement dossier %(code)s.")
    )
    if dossier.status != S.SUPPLEMENT:
        if dossier.supplement_count:
            raise TransitionNotAllowed(
                _(
                    "The supplement of dossier %(code)s has already been received; no further "
                    "papers are awaited. Please contact the agency if something is missing."
                )
                % {"code": dossier.code}
            )
        raise TransitionNotAllowed(
            _("No supplement was requested for dossier %(code)s.") % {"code": dossier.code}
        )
    rows = []
    for upload in uploads:
        document = store_document(
            upload=upload, owner_id_hash=dossier.applicant_id_hash, actor=actor
        )
        rows.append(
            rowsql.insert_row(
                SupplementUpload(
                    dossier=dossier,
                    request_number=dossier.supplement_count,
                    document=document,
                    uploaded_at=at,
                )
            )
        )
    event = _append(
        dossier,
        action="submit_supplement",
        to_status=dossier.status,
        actor=actor,
        at=at,
        data={
            "request_number": dossier.supplement_count,
            "documents": [r.document_id for r in rows],
            "names": [r.document.name for r in rows],
        },
    )
    _save(dossier)
    _announce(dossier, "submit_supplement", event)
    return rows


# Every write path on a dossier (its lifecycle actions and the records above): the test that
# every one leaves the index fact current walks this list.
RECORDS = ("attach_document", "reuse_document", "record_evaluation", "submit_supplement")


# action -> its service, as the declaration names it (state.ACTION_RULES)
ACTIONS = {name: globals()[rule.service_name] for name, rule in ACTION_RULES.items()}


# -- national portal synchronisation ------------------------------------------------------------
PORTAL_SYNC_ACTION = "portal_sync"


def record_portal_sync(dossier: Dossier) -> Dossier:
    """The national portal took the dossier (cchc.interchange.portal_sync records each send,
    with its time and version): set the flag the index's DOSSIER_SYNC metric reads.

    No event: sending a copy is not a step of the dossier's handling and must not enter its
    control slip (the bundle export writes every event as a LichSu entry). The change is
    announced so the index refreshes the fact; the synchronisation itself ignores this
    announcement (it would otherwise send again for its own mark)."""
    with transaction.atomic():
        dossier = _lock(dossier)
        if dossier.synced_to_portal:
            return dossier
        dossier.synced_to_portal = True
        rowsql.update_row(dossier, ["synced_to_portal", "updated_at"])
        _announce(dossier, PORTAL_SYNC_ACTION, None)
    return dossier
