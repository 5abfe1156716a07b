"""Erasing the contact details of dossiers closed longer ago than the retention rule says
(cchc/core/retention.py; Nghị định 13/2023/NĐ-CP). A service like those of services.py:
locked, checked, evented."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from cchc.core import events, rowsql
from cchc.core.actors import is_system
from cchc.core.errors import NotPermitted, TransitionNotAllowed
from cchc.core.models import RuleVersion
from cchc.core.retention import Purge, cutoff
from cchc.dossiers.models import Dossier, DossierEvent, Status

CONTACT_FIELDS = ("applicant_phone", "applicant_email", "applicant_address")
ACTION = "personal_data_erased"
# A dossier is closed once its result is returned, or when refused, withdrawn or stopped.
_CLOSED = (Status.REFUSED, Status.WITHDRAWN, Status.STOPPED)


def _holds_contact() -> Q:
    return ~Q(applicant_phone="") | ~Q(applicant_email="") | ~Q(applicant_address="")


def _closed_before(cutoff: dt.datetime) -> Q:
    return Q(status=Status.RETURNED, returned_at__lt=cutoff) | Q(
        status__in=_CLOSED, closed_at__lt=cutoff
    )


def due(cutoff: dt.datetime) -> Any:
    return Dossier.objects.filter(_closed_before(cutoff)).filter(_holds_contact()).order_by("pk")


@transaction.atomic
def erase_contact_details(dossier: Dossier, *, actor: Any, rule: RuleVersion) -> Dossier:
    """Blank the applicant's phone, e-mail and address (their keyed hash too) and append a
    `personal_data_erased` event naming the rule. Only the retention job (a system actor)
    erases; the dossier must still be closed past the rule's period."""
    if not is_system(actor):
        raise NotPermitted("personal data is erased only by the retention job")
    dossier = events.lock(dossier)
    months = int(rule.param("dossier_months"))
    limit = cutoff(rule, "dossier_months", timezone.now())
    if limit is None or not Dossier.objects.filter(_closed_before(limit), pk=dossier.pk).exists():
        raise TransitionNotAllowed(f"{dossier.code} is not closed for {months} months")
    erased = [name for name in CONTACT_FIELDS if getattr(dossier, name)]
    for name in CONTACT_FIELDS:
        setattr(dossier, name, "")
    events.append_event(
        DossierEvent,
        dossier,
        action=ACTION,
        actor=actor,
        data={"fields": erased, "rule": f"{rule.key} {rule.version}", "months": months},
        from_status=dossier.status,
        to_status=dossier.status,
        agency=dossier.current_agency,
    )
    dossier.version += 1
    rowsql.update_row(
        dossier,
        [
            *CONTACT_FIELDS,
            "applicant_phone_hash",
            "version",
            "last_event_seq",
            "last_event_head",
            "updated_at",
        ],
    )
    return dossier


PURGE = Purge(label="dossiers", param="dossier_months", due=due, erase=erase_contact_details)
