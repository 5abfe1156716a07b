"""The restricted register of complaints (khiếu nại) and denunciations (tố cáo): filing,
reclassifying a petition that is really one, acceptance, extension, settlement, refusal.
Deadlines are parameters of the `complaint` rule version (Law on Complaints 2011, Law on
Denunciations 2018)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Required, TypedDict, Unpack

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cchc.accounts import permissions
from cchc.agencies.models import Agency
from cchc.core import events
from cchc.core.actors import is_system, require_actor
from cchc.core.calendar import WorkingCalendar, when
from cchc.core.errors import NotPermitted, TransitionNotAllowed, ValidationFailed
from cchc.core.identifiers import next_code
from cchc.feedback import common, petitions
from cchc.feedback.common import (
    COMPLAINT_RULE,
    R,
)
from cchc.feedback.models import (
    OPEN_STATUSES,
    Complaint,
    ComplaintEvent,
    ComplaintKind,
    ComplaintStatus,
    Petition,
)
from cchc.feedback.petitions import S
from cchc.feedback.text import clean_text


def _calendar_days_due(cal: WorkingCalendar, start: dt.datetime, days: int) -> dt.datetime:
    """N days counted in calendar days; a deadline ending on a day off moves to the end of
    the next working day (Civil Code 2015 art. 148)."""
    day = common.local_date(start) + dt.timedelta(days=int(days))
    if not cal.is_working_day(day):
        day = cal.next_working_day(day)
    return cal.day_end(day)


def _complaint_due(complaint: Complaint, start: dt.datetime, days: int, unit: str) -> dt.datetime:
    cal = common.calendar(complaint.province_code, complaint.rule_version)
    if unit == "working_day":
        return common.due(cal, start, days)
    return _calendar_days_due(cal, start, days)


def _complaint_params(complaint: Complaint) -> dict[str, Any]:
    key = "complaint" if complaint.kind == ComplaintKind.COMPLAINT else "denunciation"
    params = complaint.rule_version.param(key)
    if not params:
        raise ValidationFailed(
            _("Rule version %(rule)s lacks the parameter '%(name)s'.")
            % {"rule": complaint.rule_version, "name": key}
        )
    return params


def _check_complaint(actor: Any, agency_id: int, province_code: str) -> None:
    """Restricted register: only the handling agency's leaders and province administrators
    act on it; inspectors read. A system actor (cchc.core.actors) passes explicitly."""
    if is_system(require_actor(actor)):
        return
    if permissions.is_inspector(actor):
        raise NotPermitted(_("Inspectors have read-only access."))
    if permissions.has_role(actor, agency_id, [R.LEADER]) or permissions.is_province_admin(
        actor, province_code
    ):
        return
    raise NotPermitted(
        _("Only the handling agency's leaders may act on complaints and denunciations.")
    )


def _complaint_event(
    complaint: Complaint, *, from_status: str, **event: Unpack[events.EventArgs]
) -> ComplaintEvent:
    """The complaint's event (its new status is already set) through the shared append; the
    caller holds the row lock (`_lock_complaint`) or created the complaint (`seq=1`)."""
    return events.append_event(
        ComplaintEvent,
        complaint,
        from_status=from_status,
        to_status=complaint.status,
        **event,
    )


def _lock_complaint(complaint: Complaint) -> Complaint:
    return (
        Complaint.objects.select_for_update(of=("self",))
        .select_related("rule_version")
        .get(pk=complaint.pk)
    )


class ComplaintFields(TypedDict, total=False):
    """What a complaint or denunciation is registered with, besides who registers it, at
    which agency and when (the form's fields, the importer's columns)."""

    kind: Required[str]
    complainant_name: Required[str]
    subject: Required[str]
    content: Required[str]
    complainant_phone: str
    complainant_email: str
    complainant_address: str
    remote_area: bool
    complexity: int


def _create_complaint(
    *,
    actor: Any,
    agency: Agency,
    at: dt.datetime,
    source_petition: Petition | None = None,
    **fields: Unpack[ComplaintFields],
) -> Complaint:
    kind = fields["kind"]
    if kind not in ComplaintKind.values:
        raise ValidationFailed(_("Choose complaint or denunciation."), field="kind")
    rule = common.rule_in_force(COMPLAINT_RULE, common.local_date(at))
    complaint = Complaint(
        code=next_code(
            "KN" if kind == ComplaintKind.COMPLAINT else "TC",
            common.local_date(at).year,
            Complaint,
            width=6,
        ),
        kind=kind,
        province_code=agency.province_code,
        agency=agency,
        complainant_name=common.required_text(
            fields["complainant_name"],
            _("name of the complainant"),
            200,
            multiline=False,
            field="complainant_name",
        ),
        complainant_phone=clean_text(fields.get("complainant_phone", ""), multiline=False)[:20],
        complainant_email=clean_text(fields.get("complainant_email", ""), multiline=False)[:254],
        complainant_address=clean_text(fields.get("complainant_address", ""), multiline=False)[
            :300
        ],
        subject=common.required_text(
            fields["subject"],
            _("decision, act or person concerned"),
            300,
            multiline=False,
            field="subject",
        ),
        content=common.required_text(fields["content"], _("content"), 20000, field="content"),
        remote_area=fields.get("remote_area", False),
        complexity=fields.get("complexity", 0),
        source_petition=source_petition,
        rule_version=rule,
        received_at=at,
        accept_due_at=at,
    )
    params = _complaint_params(complaint)
    complaint.accept_due_at = _complaint_due(
        complaint, at, params["accept_days"], params.get("accept_unit", "calendar_day")
    )
    complaint.save()
    _complaint_event(
        complaint,
        action="file",
        actor=actor,
        at=at,
        from_status="",
        seq=1,
        data={"source_petition": source_petition.code if source_petition else None},
    )
    return complaint


@transaction.atomic
def file_complaint(
    *,
    actor: Any,
    agency: Agency,
    at: dt.datetime | None = None,
    **fields: Unpack[ComplaintFields],
) -> Complaint:
    _check_complaint(actor, agency.pk, agency.province_code)
    return _create_complaint(actor=actor, agency=agency, at=when(at), **fields)


@transaction.atomic
def reclassify_as_complaint(
    petition: Petition,
    *,
    actor: Any,
    kind: str,
    subject: str,
    remote_area: bool = False,
    at: dt.datetime | None = None,
) -> Complaint:
    """A "petition" that is really a complaint or a denunciation leaves the PAKN register
    (Decree 20/2008 art. 2 excludes them) and enters the complaints register."""
    petition = petitions.lock_for(petition, "reclassify", actor)
    petitions.require_status(petition, OPEN_STATUSES, _("move to the complaints register"))
    if petition.agency is None:
        raise ValidationFailed(_("Confirm the responsible agency first."), field="agency")
    now = when(at)
    complaint = _create_complaint(
        actor=actor,
        kind=kind,
        agency=petition.agency,
        complainant_name=petition.petitioner_name or _("(not given)"),
        complainant_phone=petition.petitioner_phone,
        complainant_email=petition.petitioner_email,
        complainant_address=petition.address,
        subject=subject,
        content=f"{petition.title}\n\n{petition.description}",
        remote_area=remote_area,
        source_petition=petition,
        at=now,
    )
    if petition.paused_since is not None:
        petitions.unpause(petition, now)
    petitions.append(
        petition,
        action="reclassify",
        to_status=S.TRANSFERRED,
        actor=actor,
        at=now,
        data={"complaint": complaint.code, "kind": kind},
    )
    petition.status = S.TRANSFERRED
    petitions.save(petition, "status", "paused_since", "paused_seconds", "handle_due_at")
    petitions.announce(petition, "reclassify")
    return complaint


@transaction.atomic
def accept_complaint(
    complaint: Complaint,
    *,
    actor: Any,
    complexity: int | None = None,
    at: dt.datetime | None = None,
) -> Complaint:
    """Accept for settlement (thụ lý); the settlement deadline runs from here (Law on
    Complaints 2011 art. 28; Law on Denunciations 2018 art. 30)."""
    complaint = _lock_complaint(complaint)
    _check_complaint(actor, complaint.agency_id, complaint.province_code)
    if complaint.status != ComplaintStatus.RECEIVED:
        raise TransitionNotAllowed(_("Only a received complaint can be accepted."))
    now = when(at)
    if complexity is not None:
        if complexity not in Complaint.Complexity.values:
            raise ValidationFailed(_("Unknown complexity."), field="complexity")
        complaint.complexity = complexity
    params = _complaint_params(complaint)
    if complaint.kind == ComplaintKind.COMPLAINT:
        # Law on Complaints 2011 art. 28: 30 days, 45 if complicated; remote areas 45 / 60.
        key = (
            "settle_days"
            + ("_remote" if complaint.remote_area else "")
            + ("_complex" if complaint.complexity else "")
        )
        days = params[key]
    else:
        days = params["settle_days"]
    complaint.status = ComplaintStatus.ACCEPTED
    complaint.accepted_at = now
    complaint.settle_due_at = _complaint_due(
        complaint, now, days, params.get("settle_unit", "calendar_day")
    )
    complaint.version += 1
    complaint.save(
        update_fields=[
            "status",
            "accepted_at",
            "settle_due_at",
            "complexity",
            "version",
            "updated_at",
        ]
    )
    _complaint_event(
        complaint,
        action="accept",
        actor=actor,
        at=now,
        from_status=ComplaintStatus.RECEIVED,
        data={"days": days},
    )
    return complaint


def extensions_allowed(complaint: Complaint) -> int:
    """How many times this case's settlement may be extended in all, by its rule version and
    complexity (0 for a complaint, or a denunciation of normal complexity)."""
    if complaint.kind != ComplaintKind.DENUNCIATION:
        return 0
    return int(_complaint_params(complaint).get("max_extensions", [0, 1, 2])[complaint.complexity])


@transaction.atomic
def extend_complaint(
    complaint: Complaint, *, actor: Any, reason: str, at: dt.datetime | None = None
) -> Complaint:
    """Extend a denunciation's settlement (Law on Denunciations 2018 art. 30: once for a
    complicated case, twice for an especially complicated one, each by at most 30 days)."""
    complaint = _lock_complaint(complaint)
    _check_complaint(actor, complaint.agency_id, complaint.province_code)
    if complaint.status != ComplaintStatus.ACCEPTED:
        raise TransitionNotAllowed(_("Only an accepted case can be extended."))
    params = _complaint_params(complaint)
    if complaint.extensions >= extensions_allowed(complaint):
        raise TransitionNotAllowed(
            _("No further extension is allowed for this case (%(n)s used).")
            % {"n": complaint.extensions}
        )
    reason = common.required_text(reason, _("reason for the extension"), 2000, field="reason")
    now = when(at)
    assert complaint.settle_due_at is not None, "an accepted case has its settlement deadline"
    complaint.settle_due_at = _complaint_due(
        complaint,
        complaint.settle_due_at,
        params["extension_days"],
        params.get("settle_unit", "calendar_day"),
    )
    complaint.extensions += 1
    complaint.version += 1
    complaint.save(update_fields=["settle_due_at", "extensions", "version", "updated_at"])
    _complaint_event(
        complaint,
        action="extend",
        actor=actor,
        at=now,
        from_status=ComplaintStatus.ACCEPTED,
        note=reason,
    )
    return complaint


@dataclass(frozen=True)
class _Closing:
    """How a case is closed with a written outcome: from which status, to which, the text's
    name, length limit and form field, and the event's action."""

    action: str
    from_status: str
    to_status: str
    refusal: Any  # lazy: the message when the case is not in `from_status`
    label: Any  # lazy: the outcome's name in the "please give the …" message
    limit: int
    field: str


SETTLE = _Closing(
    action="settle",
    from_status=ComplaintStatus.ACCEPTED,
    to_status=ComplaintStatus.SETTLED,
    refusal=gettext_lazy("Only an accepted case can be settled."),
    label=gettext_lazy("decision / conclusion"),
    limit=20000,
    field="outcome",
)
REFUSE = _Closing(
    action="refuse",
    from_status=ComplaintStatus.RECEIVED,
    to_status=ComplaintStatus.NOT_ACCEPTED,
    refusal=gettext_lazy("Only a received complaint can be refused."),
    label=gettext_lazy("reason for not accepting"),
    limit=5000,
    field="reason",
)


def _close_complaint(
    complaint: Complaint, closing: _Closing, *, actor: Any, text: str, at: dt.datetime | None
) -> Complaint:
    """Close a case from `closing.from_status` with its written outcome (a decision or a
    refusal)."""
    complaint = _lock_complaint(complaint)
    _check_complaint(actor, complaint.agency_id, complaint.province_code)
    if complaint.status != closing.from_status:
        raise TransitionNotAllowed(str(closing.refusal))
    now = when(at)
    complaint.outcome = common.required_text(
        text, str(closing.label), closing.limit, field=closing.field
    )
    complaint.status = closing.to_status
    complaint.settled_at = now
    complaint.version += 1
    complaint.save(update_fields=["outcome", "status", "settled_at", "version", "updated_at"])
    data: dict[str, Any] = {}
    if closing is SETTLE:
        data = {"on_time": complaint.settle_due_at is not None and now <= complaint.settle_due_at}
    _complaint_event(
        complaint,
        action=closing.action,
        actor=actor,
        at=now,
        from_status=closing.from_status,
        note=complaint.outcome if closing is REFUSE else "",
        data=data or None,
    )
    return complaint


@transaction.atomic
def settle_complaint(
    complaint: Complaint, *, actor: Any, outcome: str, at: dt.datetime | None = None
) -> Complaint:
    """Settle an accepted case with its decision or conclusion."""
    return _close_complaint(complaint, SETTLE, actor=actor, text=outcome, at=at)


@transaction.atomic
def refuse_complaint(
    complaint: Complaint, *, actor: Any, reason: str, at: dt.datetime | None = None
) -> Complaint:
    """Refuse to accept a received complaint, with the reason."""
    return _close_complaint(complaint, REFUSE, actor=actor, text=reason, at=at)
