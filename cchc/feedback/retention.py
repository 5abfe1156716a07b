"""Erasing the contact details of petitions and complaints closed longer ago than the
retention rule says (cchc/core/retention.py; Nghị định 13/2023/NĐ-CP). Services: locked,
checked, evented. A record's closing moment is its last event (a petition has no single
"closed at" field: answered, published, rejected, merged or transferred)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
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


def _closed_with_contact(
    model: Any, statuses: Iterable[str], fields: tuple[str, ...], limit: dt.datetime
) -> Any:
    """Records in a closed status, last event before `limit`, with a contact still filled."""
    return (
        model.objects.filter(status__in=statuses)
        .filter(_any_filled(fields))
        .annotate(closed_at=Max("events__at"))
        .filter(closed_at__lt=limit)
        .order_by("pk")
    )


def petitions_due(limit: dt.datetime) -> Any:
    return _closed_with_contact(Petition, CLOSED_STATUSES, PETITION_FIELDS, limit)


def complaints_due(limit: dt.datetime) -> Any:
    return _closed_with_contact(Complaint, COMPLAINT_CLOSED, COMPLAINT_FIELDS, limit)


def _check(actor: Any, still_due: bool, what: str, months: Any) -> None:
    if not is_system(actor):
        raise NotPermitted("personal data is erased only by the retention job")
    if not still_due:
        raise TransitionNotAllowed(f"{what} is not closed for {months} months")


def _blank(
    record: Any,
    *,
    actor: Any,
    rule: RuleVersion,
    param: str,
    due: Callable[[dt.datetime], Any],
    fields: tuple[str, ...],
) -> dict[str, Any]:
    """Check the locked record is still due under the rule and blank its contact `fields`;
    returns the erasure event's data (the fields that held something, the rule)."""
    limit = cutoff(rule, param, timezone.now())
    still_due = limit is not None and due(limit).filter(pk=record.pk).exists()
    _check(actor, still_due, record.code, rule.param(param))
    erased = [name for name in fields if getattr(record, name)]
    for name in fields:
        setattr(record, name, "")
    return {"fields": erased, "rule": f"{rule.key} {rule.version}", "months": rule.param(param)}


@transaction.atomic
def erase_petitioner_contact(petition: Petition, *, actor: Any, rule: RuleVersion) -> Petition:
    """Blank the petitioner's phone and e-mail (and their keyed hashes), with an event. The
    place the petition is about (`address`, published with the answer) is not the
    petitioner's and stays."""
    petition = petitions.lock(petition)
    data = _blank(
        petition,
        actor=actor,
        rule=rule,
        param="petition_months",
        due=petitions_due,
        fields=PETITION_FIELDS,
    )
    petitions.append(
        petition,
        action=ACTION,
        to_status=petition.status,
        actor=actor,
        at=timezone.now(),
        data=data,
    )
    petitions.save(petition, *PETITION_FIELDS, "petitioner_phone_hash", "petitioner_email_hash")
    return petition


@transaction.atomic
def erase_complainant_contact(complaint: Complaint, *, actor: Any, rule: RuleVersion) -> Complaint:
    """Blank the complainant's phone, e-mail and address, with an event."""
    complaint = Complaint.objects.select_for_update(of=("self",)).get(pk=complaint.pk)
    data = _blank(
        complaint,
        actor=actor,
        rule=rule,
        param="complaint_months",
        due=complaints_due,
        fields=COMPLAINT_FIELDS,
    )
    events.append_event(
        ComplaintEvent,
        complaint,
        action=ACTION,
        actor=actor,
        data=data,
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
