"""The dossiers' endpoints of /api/v1/ (mounted by config/api.py): list, read, create, and
one endpoint per lifecycle action. Every write goes through `cchc.dossiers.services`."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from pydantic import AwareDatetime, StrictInt

from cchc.accounts import permissions
from cchc.accounts.models import User, hash_national_id
from cchc.agencies.models import Agency
from cchc.catalogue.models import Procedure
from cchc.core import rowsql
from cchc.core.api import (
    ERRORS,
    MAX_PAGE_SIZE,
    ErrorOut,
    IsoDate,
    Page,
    json_response,
    paginate,
)
from cchc.core.calendar import LOCAL_TZ
from cchc.core.errors import NotFound, NotPermitted, ValidationFailed
from cchc.dossiers import policies, queries, services
from cchc.dossiers.models import Dossier, DossierEvent, DossierStep, OnlinePayment, Status, visible

router = Router()


# -- schemas ---------------------------------------------------------------------------------
class DossierOut(Schema):
    code: str
    procedure: str
    status: int
    status_label: str
    channel: int
    receiving_place: str | None
    receiving_agency: str
    competent_agency: str
    current_agency: str
    assignee: str | None
    applicant_name: str
    applicant_id_last4: str
    # PERSON or ORGANISATION; an organisation's tax code (public, not personal data)
    applicant_kind: str
    applicant_tax_code: str
    submitted_at: dt.datetime | None
    received_at: dt.datetime | None
    appointment_at: dt.datetime | None
    initial_appointment_at: dt.datetime | None
    due_at: dt.datetime | None
    finished_at: dt.datetime | None
    returned_at: dt.datetime | None
    closed_at: dt.datetime | None
    fee_amount: int
    paid_online: int
    supplement_count: int
    apology_count: int
    overdue: bool


class EventOut(Schema):
    seq: int
    at: dt.datetime
    action: str
    from_status: int | None
    to_status: int
    actor: str
    agency: str | None
    target_agency: str | None
    note: str


class StepOut(Schema):
    seq: int
    name: str
    agency: str
    started_at: dt.datetime
    due_at: dt.datetime | None
    completed_at: dt.datetime | None
    outcome: str


class DossierDetailOut(DossierOut):
    events: list[EventOut]
    steps: list[StepOut]
    derivation: list[str]
    available_actions: list[str]


class DossierPage(Page):
    items: list[DossierOut]


NationalId = Annotated[
    str, Field(pattern=r"^\d{12}$", description="12-digit citizen ID; stored only as a keyed hash")
]


class ApplicantIn(Schema):
    name: str = Field(min_length=1, max_length=200)
    national_id: NationalId | None = None
    phone: str = Field("", max_length=20, pattern=r"^(\+?\d{9,12})?$")
    email: str = Field(
        "",
        max_length=254,
        pattern=r"^([^@\s\x00-\x1f\x7f-\x9f]+@[^@\s\x00-\x1f\x7f-\x9f]+\.[^@\s\x00-\x1f\x7f-\x9f]+)?$",
    )
    address: str = Field("", max_length=300)
    identity_check: Literal["none", "vneid", "chip", "manual"] = Field(
        "none",
        description="identity checked against the population database: not (none), VNeID, "
        "chip-based ID card reader (chip), looked up by hand (manual)",
    )


class DossierIn(Schema):
    procedure: str = Field(min_length=1, max_length=40, description="national procedure code")
    receiving_agency: str = Field(min_length=1, max_length=40, description="agency code")
    competent_agency: str | None = Field(None, max_length=40)
    receiving_place: str | None = Field(
        None, max_length=40, description="counter or service centre (boundary-free)"
    )
    applicant: ApplicantIn
    fee_amount: StrictInt | None = Field(None, ge=0, le=10**12)


class NoteIn(Schema):
    note: str = Field("", max_length=2000)


class ReceiveIn(NoteIn):
    identity_check: Literal["none", "vneid", "chip", "manual"] | None = Field(
        None,
        description="accepting an online dossier: how the applicant's identity was checked "
        "against the population database (null keeps what the submission recorded)",
    )


class ReasonIn(Schema):
    reason: str = Field(min_length=1, max_length=4000)


class TransferIn(Schema):
    to_agency: str = Field(min_length=1, max_length=40, description="agency code")
    step_name: str = Field("", max_length=300)
    assignee: str | None = Field(None, max_length=150, description="username")
    note: str = Field("", max_length=2000)
    hours: float | None = Field(None, gt=0, le=100000)


class AssignIn(Schema):
    assignee: str = Field(min_length=1, max_length=150, description="username")


class PaymentRequestIn(Schema):
    amount: StrictInt = Field(gt=0, le=10**12, description="VND")
    note: str = Field("", max_length=2000)


class PaymentConfirmIn(Schema):
    online: Literal[0, 1, 2] = OnlinePayment.NO
    note: str = Field("", max_length=2000)


class FinishIn(Schema):
    note: str = Field(
        "",
        max_length=2000,
        description="the result: what was decided (required: the API attaches no result file)",
    )
    electronic_result: bool = Field(
        False,
        description="kept for older clients: only false is accepted. The 766 'electronic "
        "result' flag follows from an attached result file (staff dossier page), never from "
        "this field; true answers 400 with the error envelope, field 'electronic_result'.",
    )


class ApologyIn(Schema):
    reason: str = Field(min_length=1, max_length=4000)
    new_appointment_at: AwareDatetime


# -- helpers ---------------------------------------------------------------------------------
def _local(moment: dt.datetime | None) -> dt.datetime | None:
    return moment.astimezone(LOCAL_TZ) if moment else None


def _dossier_out(d: Dossier) -> dict[str, Any]:
    return {
        "code": d.code,
        "procedure": d.procedure.code,
        "status": d.status,
        "status_label": str(Status(d.status).label),
        "channel": d.channel,
        "receiving_place": d.receiving_place.code if d.receiving_place_id else None,
        "receiving_agency": d.receiving_agency.code,
        "competent_agency": d.competent_agency.code,
        "current_agency": d.current_agency.code,
        "assignee": d.assignee.username if d.assignee_id else None,
        "applicant_name": d.applicant_name,
        "applicant_id_last4": d.applicant_id_last4,
        "applicant_kind": d.applicant_kind,
        "applicant_tax_code": d.applicant_tax_code,
        **{
            f: _local(getattr(d, f))
            for f in (
                "submitted_at",
                "received_at",
                "appointment_at",
                "initial_appointment_at",
                "due_at",
                "finished_at",
                "returned_at",
                "closed_at",
            )
        },
        "fee_amount": d.fee_amount,
        "paid_online": d.paid_online,
        "supplement_count": d.supplement_count,
        "apology_count": d.apology_count,
        "overdue": d.is_overdue,
    }


# the timeline and the steps of the dossier in ONE fixed statement (every action response
# carries both): rows of kind 0 are events, of kind 1 steps, in the same twelve columns
_AGENCY_CODE = f"(SELECT code FROM {Agency._meta.db_table} WHERE id = %s)"  # noqa: S608 - one key probe per row
_TIMELINE_SQL = (
    f"SELECT 0, e.seq, e.at, NULL, NULL, e.action, e.actor_label, {_AGENCY_CODE % 'e.agency_id'}, "  # noqa: S608
    f"{_AGENCY_CODE % 'e.target_agency_id'}, e.note, e.from_status, e.to_status "
    f"FROM {DossierEvent._meta.db_table} e WHERE e.dossier_id = %s "
    "UNION ALL "
    f"SELECT 1, s.seq, s.started_at, s.due_at, s.completed_at, s.name, s.outcome, {_AGENCY_CODE % 's.agency_id'}, "
    f"NULL, NULL, NULL, NULL FROM {DossierStep._meta.db_table} s WHERE s.dossier_id = %s ORDER BY 1, 2"
)


def _timeline(
    dossier_id: int, now: dt.datetime
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(events, steps) of the dossier, as EventOut and StepOut."""
    moment = rowsql.converter(DossierEvent, "at")  # every timestamp here is a DateTimeField
    cur = rowsql.cursor(connection)
    cur.execute(_TIMELINE_SQL, [dossier_id, dossier_id])
    rows = cur.fetchall()
    events, steps = [], []
    for kind, seq, t1, t2, t3, s1, s2, agency, target, note, from_status, to_status in rows:
        if kind == 0:
            events.append(
                {
                    "seq": seq,
                    "at": _local(moment(t1)),
                    "action": s1,
                    "from_status": from_status,
                    "to_status": to_status,
                    "actor": s2,
                    "agency": agency,
                    "target_agency": target,
                    "note": note,
                }
            )
        else:
            started, due, completed = moment(t1), moment(t2), moment(t3)
            steps.append(
                {
                    "seq": seq,
                    "name": s1,
                    "agency": agency,
                    "started_at": _local(started),
                    "due_at": _local(due),
                    "completed_at": _local(completed),
                    "outcome": queries.step_outcome(s2, due, completed, now) or "",
                }
            )
    return events, steps


def _dossier_detail(request: HttpRequest, d: Dossier) -> dict[str, Any]:
    derivation = services.due_derivation(d)
    events, steps = _timeline(d.pk, queries.step_clock(d, timezone.now()))
    return {
        **_dossier_out(d),
        "events": events,
        "steps": steps,
        "derivation": [str(line) for line in derivation.lines] if derivation else [],
        "available_actions": queries.available_actions(request.auth, d),
    }


def _detail_response(request: HttpRequest, d: Dossier, status: int = 200) -> HttpResponse:
    """The dossier as DossierDetailOut, rendered directly: the dict is built field by field
    for that schema (a test validates every action's response against it), so the per-call
    re-validation by pydantic is skipped on the lifecycle's hot path."""
    return json_response(request, _dossier_detail(request, d), status)


def _get_dossier(request: HttpRequest, code: str) -> Dossier:
    # read by the unique code, then the visibility rule on the loaded row (dossiers.models.
    # visible): the same answer as filtering through visible_to, without compiling its OR
    d = rowsql.get_row(Dossier, "code", code, related=services.RELATED)
    if d is None or not visible(request.auth, d):
        raise Http404(_("No dossier %(code)s that you may see.") % {"code": code})
    return d


def _agency(code: str | None, field: str, *, required: bool = False) -> Agency | None:
    code = (code or "").strip()
    if not code:
        if required:
            raise ValidationFailed(_("Please give the agency code."), field=field)
        return None
    agency = rowsql.get_row(Agency, "code", code)
    if agency is None:
        raise ValidationFailed(_("Unknown agency code %(code)s.") % {"code": code}, field=field)
    return agency


def _staff_of(username: str | None, agency: Agency, field: str) -> User | None:
    """The staff member `username` who handles dossiers at `agency` (a specialist or a
    leader: policies.HANDLING_ROLES). Unknown, inactive, working elsewhere or not handling
    dossiers there give one and the same answer, so the check reveals no user names or memberships."""
    username = (username or "").strip()
    if not username:
        return None
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None or not policies.handles_at(user, agency.pk):
        raise ValidationFailed(
            _("%(name)s is not a staff member of %(agency)s.")
            % {"name": username, "agency": agency.name},
            field=field,
        )
    return user


# -- dossiers --------------------------------------------------------------------------------
class DossierFilters(Schema):
    q: str = Field("", max_length=100, description="code, applicant name, phone or 12-digit ID")
    status: int | None = Field(None, ge=1, le=10)
    agency: str | None = Field(
        None, max_length=40, description="current, receiving or competent agency code"
    )
    procedure: str | None = Field(None, max_length=40)
    received_from: IsoDate | None = None
    received_to: IsoDate | None = None
    overdue: bool = False
    queue: Literal["mine", "agency", "due_soon", "overdue", "supplement", "online", "all"] = "all"
    page: int = Field(1, ge=1, le=100000)
    page_size: int = Field(25, ge=1, le=MAX_PAGE_SIZE)


@router.get("/dossiers", response={200: DossierPage, **ERRORS}, tags=["dossiers"])
def list_dossiers(request: HttpRequest, filters: Query[DossierFilters]) -> Any:
    """Dossiers the caller may see (their agencies; the province for admins and inspectors;
    their own for applicants)."""
    if (
        filters.received_from
        and filters.received_to
        and filters.received_to < filters.received_from
    ):
        raise ValidationFailed(
            _("'received_to' must not be before 'received_from'."), field="received_to"
        )
    qs = queries.queue(request.auth, filters.queue)
    qs = queries.apply_filter(
        qs,
        queries.DossierFilter(
            q=filters.q,
            status=filters.status,
            procedure=filters.procedure or "",
            agency=filters.agency or "",
            received_from=filters.received_from,
            received_to=filters.received_to,
            overdue=filters.overdue,
        ),
    )
    qs = queries.with_related(qs).select_related("receiving_place").order_by("-submitted_at", "-pk")
    items, meta = paginate(qs, filters.page, filters.page_size)
    return {**meta, "items": [_dossier_out(d) for d in items]}


@router.post("/dossiers", response={201: DossierDetailOut, **ERRORS}, tags=["dossiers"])
def create_dossier(request: HttpRequest, payload: DossierIn) -> Any:
    """Counter intake when the caller is a clerk of the receiving place or agency (status 2,
    receipt and appointment); otherwise an online submission (status 1) by an applicant or an
    integration account."""
    user = request.auth
    procedure = rowsql.get_row(Procedure, "code", payload.procedure.strip())
    if procedure is None:
        raise ValidationFailed(
            _("Unknown procedure code %(code)s.") % {"code": payload.procedure}, field="procedure"
        )
    receiving = _agency(payload.receiving_agency, "receiving_agency", required=True)
    competent = _agency(payload.competent_agency, "competent_agency") or receiving
    place = _agency(payload.receiving_place, "receiving_place")
    a = payload.applicant
    applicant = services.Applicant(
        name=a.name.strip(),
        id_hash=hash_national_id(a.national_id) if a.national_id else "",
        id_last4=a.national_id[-4:] if a.national_id else "",
        phone=a.phone,
        email=a.email,
        address=a.address,
        account=user if user.kind == User.Kind.CITIZEN else None,
        identity_check=a.identity_check,
    )
    clerk_at = permissions.agency_ids(user, roles=policies.INTAKE_ROLES)
    if permissions.is_inspector(user):
        raise NotPermitted(_("Inspectors have read-only access."))
    intake = services.DossierIntake(
        procedure=procedure,
        receiving_agency=receiving,
        competent_agency=competent,
        applicant=applicant,
    )
    if clerk_at and (receiving.pk in clerk_at or (place and place.pk in clerk_at)):
        dossier = services.intake_at_counter(
            actor=user, receiving_place=place, fee_amount=payload.fee_amount, **intake
        )
    elif user.kind in (User.Kind.CITIZEN, User.Kind.INTEGRATION):
        dossier = services.submit_online(actor=user, **intake)
    else:
        raise NotPermitted(_("You may only receive dossiers at a counter of your own agency."))
    return _detail_response(request, dossier, 201)


@router.get("/dossiers/{code}", response={200: DossierDetailOut, **ERRORS}, tags=["dossiers"])
def get_dossier(request: HttpRequest, code: str) -> Any:
    return _detail_response(request, _get_dossier(request, code))


# -- one endpoint per lifecycle action ------------------------------------------------------------
def _kwargs(request: HttpRequest, code: str, action: str, payload: Schema) -> dict[str, Any]:
    data = payload.dict()
    # A finish's result is asked by the service after its own permission check (no read
    # here: one statement fewer on every finish); a claimed electronic result it refuses
    # before locking, so that claim is checked here after the caller's right.
    if action == "finish" and data.get("electronic_result"):
        policies.check(request.auth, action, _get_dossier(request, code))
    # Names in the payload are looked up by the service once the caller may take this action
    # on the locked dossier (404 if they may not see it, 403 if they may not act): a token
    # holder cannot use these checks to probe user names, memberships or agencies, and the
    # dossier is read once (services.Lookup).
    if action == "transfer":
        to_agency, assignee = data.pop("to_agency"), data.pop("assignee", None)

        def transfer_names(dossier: Dossier) -> dict[str, Any]:
            agency = _agency(to_agency, "to_agency", required=True)
            staff = _staff_of(assignee, agency, "assignee") if agency else None
            return {"to_agency": agency, "assignee": staff}

        data["lookup"] = transfer_names
    elif action == "assign":
        name = data.pop("assignee")

        def assign_names(dossier: Dossier) -> dict[str, Any]:
            user = _staff_of(name, dossier.current_agency, "assignee")
            if user is None:
                raise ValidationFailed(
                    _("Please give the user name of the assignee."), field="assignee"
                )
            return {"assignee": user}

        data["lookup"] = assign_names
    return data


ACTION_SCHEMAS: dict[str, type[Schema]] = {
    "receive": ReceiveIn,
    "refuse": ReasonIn,
    "transfer": TransferIn,
    "assign": AssignIn,
    "request_supplement": ReasonIn,
    "receive_supplement": NoteIn,
    "request_payment": PaymentRequestIn,
    "confirm_payment": PaymentConfirmIn,
    "withdraw": ReasonIn,
    "stop": ReasonIn,
    "finish": FinishIn,
    "return_result": NoteIn,
    "apologize": ApologyIn,
}


def _run_action(request: HttpRequest, code: str, action: str, payload: Schema) -> Any:
    # The service locks the dossier by its code, with its related rows, in one statement and
    # checks the actor's right on the locked row; it returns the dossier it changed. Only
    # when it refuses is visibility asked, so that a dossier the caller may not see is a 404.
    kwargs = _kwargs(request, code, action, payload)
    try:
        changed = getattr(services, action)(code, actor=request.auth, **kwargs)
    except NotFound:
        raise Http404(_("No dossier %(code)s that you may see.") % {"code": code}) from None
    except NotPermitted:
        _get_dossier(request, code)  # 404 when the caller may not even see it
        raise
    return _detail_response(request, changed)


def _register(action: str, schema: type[Schema]) -> None:
    def endpoint(request: HttpRequest, code: str, payload: schema) -> Any:  # type: ignore[valid-type]
        return _run_action(request, code, action, payload)

    # Real classes, not strings (this module uses postponed annotations): ninja reads them.
    endpoint.__annotations__ = {
        "request": HttpRequest,
        "code": str,
        "payload": schema,
        "return": Any,
    }
    endpoint.__name__ = f"action_{action}"
    endpoint.__doc__ = str(services.ACTIONS[action].__doc__ or action).strip().splitlines()[0]
    router.post(
        f"/dossiers/{{code}}/actions/{action}",
        response={200: DossierDetailOut, **ERRORS},
        tags=["actions"],
        operation_id=f"dossier_{action}",
    )(endpoint)


for _action, _schema in ACTION_SCHEMAS.items():
    _register(_action, _schema)


@router.post(
    "/dossiers/{code}/actions/{action}",
    response={404: ErrorOut},
    tags=["actions"],
    include_in_schema=False,
)
def unknown_action(request: HttpRequest, code: str, action: str) -> Any:
    raise Http404(
        _("Unknown action %(action)s. Known: %(known)s.")
        % {"action": action, "known": ", ".join(ACTION_SCHEMAS)}
    )
