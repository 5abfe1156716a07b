"""Erasing the contact details of petitions and complaints closed longer ago than the
retention rule says (cchc/core/retention.py; Nghị định 13/2023/NĐ-CP). Services: locked,
checked, evented. A record's closing moment is its last event (a petition has no single
"closed at" field: answered, published, rejected, merged or transferred)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from cchc.core import events
from cchc.core.actors import is_system
from cchc.core.errors import NotPermitted, TransitionNotAllowed
from cchc.core.models import RuleVersion
from cchc.core.retention import Purge, cutoff
from cchc.feedback import petitions
from cchc.feedback.models import (
    CLOSED_STATUSES,
    Complaint,
    ComplaintEvent,
    ComplaintStatus,
    Petition,
)

ACTION = "personal_data_erased"
PETITION_FIELDS = ("petitioner_phone", "petitioner_email")
COMPLAINT_FIELDS = ("complainant_phone", "complainant_email", "complainant_address")
COMPLAINT_CLOSED = (
    ComplaintStatus.SETTLED,
    ComplaintStatus.NOT_ACCEPTED,
    ComplaintStatus.WITHDRAWN,
)


def _any_filled(fields: tuple[str, ...]) -> Q:
    q = Q(pk__in=[])
    for name in fields:
        q |= ~Q(**{name: ""})
    return q


def petitions_due(limit: dt.datetime) -> Any:
    return (
        Petition.objects.filter(status__in=CLOSED_STATUSES)
        .filter(_any_filled(PETITION_FIELDS))
        .annotate(closed_at=Max("events__at"))
        .filter(closed_at__lt=limit)
        .order_by("pk")
    )


def complaints_due(limit: dt.datetime) -> Any:
    return (
        Complaint.objects.filter(status__in=COMPLAINT_CLOSED)
        .filter(_any_filled(COMPLAINT_FIELDS))
        .annotate(closed_at=Max("events__at"))
        .filter(closed_at__lt=limit)
        .order_by("pk")
    )


def _check(actor: Any, still_due: bool, what: str, months: Any) -> None:
    if not is_system(actor):
        raise NotPermitted("personal data is erased only by the retention job")
    if not still_due:
        raise TransitionNotAllowed(f"{what} is not closed for {months} months")


def _data(rule: RuleVersion, param: str, erased: list[str]) -> dict[str, Any]:
    return {"fields": erased, "rule": f"{rule.key} {rule.version}", "months": rule.param(param)}


@transaction.atomic
def erase_petitioner_contact(petition: Petition, *, actor: Any, rule: RuleVersion) -> Petition:
    """Blank the petitioner's phone and e-mail (and their keyed hashes), with an event. The
    place the petition is about (`address`, published with the answer) is not the
    petitioner's and stays."""
    petition = petitions.lock(petition)
    limit = cutoff(rule, "petition_months", timezone.now())
    due = limit is not None and petitions_due(limit).filter(pk=petition.pk).exists()
    _check(actor, due, petition.code, rule.param("petition_months"))
    erased = [name for name in PETITION_FIELDS if getattr(petition, name)]
    for name in PETITION_FIELDS:
        setattr(petition, name, "")
    petitions.append(
        petition,
        action=ACTION,
        to_status=petition.status,
        actor=actor,
        at=timezone.now(),
        data=_data(rule, "petition_months", erased),
    )
    petitions.save(petition, *PETITION_FIELDS, "petitioner_phone_hash", "petitioner_email_hash")
    return petition


@transaction.atomic
def erase_complainant_contact(complaint: Complaint, *, actor: Any, rule: RuleVersion) -> Complaint:
    """Blank the complainant's phone, e-mail and address, with an event."""
    complaint = Complaint.objects.select_for_update(of=("self",)).get(pk=complaint.pk)
    limit = cutoff(rule, "complaint_months", timezone.now())
    due = limit is not None and complaints_due(limit).filter(pk=complaint.pk).exists()
    _check(actor, due, complaint.code, rule.param("complaint_months"))
    erased = [name for name in COMPLAINT_FIELDS if getattr(complaint, name)]
    for name in COMPLAINT_FIELDS:
        setattr(complaint, name, "")
    events.append_event(
        ComplaintEvent,
        complaint,
        action=ACTION,
        actor=actor,
        data=_data(rule, "complaint_months", erased),
        from_status=complaint.status,
        to_status=complaint.status,
    )
    complaint.version += 1
    complaint.save(update_fields=[*COMPLAINT_FIELDS, "version", "updated_at"])
    return complaint


PURGES = (
    Purge(
        label="petitions",
        param="petition_months",
        due=petitions_due,
        erase=erase_petitioner_contact,
    ),
    Purge(
        label="complaints",
        param="complaint_months",
        due=complaints_due,
        erase=erase_complainant_contact,
    ),
)
