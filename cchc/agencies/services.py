"""The audit trail of agency records (AgencyEvent): who created or changed an agency, and
what changed, whether in the administration site or by an agencies.csv import."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from cchc.agencies.models import Agency, AgencyEvent
from cchc.core import events
from cchc.core.actors import IMPORT, actor_label


def snapshots(agencies: Iterable[Agency]) -> dict[int, dict[str, Any]]:
    """What an agency's record says, by id, as a change compares it: its own fields, and the
    linked records by their codes and names (a parent, group, unit or successor is known to
    a reader by them, not by a database id)."""
    ids = [a.pk for a in agencies]
    rows = (
        Agency.objects.filter(pk__in=ids)
        .select_related("parent", "group", "unit")
        .prefetch_related("successors")
    )
    return {
        a.pk: {
            "name": a.name,
            "level": a.level,
            "parent": a.parent.code if a.parent else "",
            "group": a.group.name if a.group else "",
            "province_code": a.province_code,
            "unit": a.unit.code if a.unit else "",
            "identity_code": a.identity_code,
            "address": a.address,
            "phone": a.phone,
            "valid_from": a.valid_from,
            "valid_to": a.valid_to,
            "successors": sorted(s.code for s in a.successors.all()),
        }
        for a in rows
    }


@transaction.atomic
def record_edit(agency: Agency, *, actor: Any, before: dict[str, Any] | None) -> AgencyEvent | None:
    """Log an edit made in the administration site, once the record and its links are saved:
    `before` is the snapshot taken before the edit (None: the agency is new). An edit that
    changed nothing writes nothing."""
    agency = events.lock(agency)
    after = snapshots([agency])[agency.pk]
    if before is None:
        return events.append_event(
            AgencyEvent, agency, action="create", actor=actor, data=events.changes({}, after)
        )
    changed = events.changes(before, after)
    if not changed:
        return None
    return events.append_event(AgencyEvent, agency, action="update", actor=actor, data=changed)


def log_imported(
    before: dict[int, dict[str, Any]], agencies: Iterable[Agency], created: set[str]
) -> int:
    """The audit rows of an agencies.csv import, in bulk (a province's file holds every
    agency): one per agency it created (`created`, by code) or changed, as the import actor,
    with `{field: [old, new]}`; `before` are the snapshots of the agencies that existed.
    Returns how many rows were written."""
    agencies = list(agencies)
    after = snapshots(agencies)
    now = timezone.now()
    rows = []
    for agency in sorted(agencies, key=lambda a: a.pk):
        new = agency.code in created
        changed = events.changes({} if new else before.get(agency.pk, {}), after[agency.pk])
        if changed:
            rows.append(
                AgencyEvent(
                    agency=agency,
                    at=now,
                    action="create" if new else "update",
                    actor=None,
                    actor_label=actor_label(IMPORT),
                    data=changed,
                )
            )
    events.append_in_bulk(AgencyEvent, rows)
    return len(rows)
