"""The audit trail of agency records (AgencyEvent): who created or changed an agency, and
what changed, whether in the administration site or by an agencies.csv import."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cchc.accounts import permissions
from cchc.accounts.models import Membership
from cchc.agencies import hours
from cchc.agencies.models import AdministrativeUnit, Agency, AgencyEvent, RankingGroup
from cchc.core import events
from cchc.core.actors import IMPORT, actor_label, is_system, require_actor
from cchc.core.calendar import LOCAL_TZ
from cchc.core.errors import NotPermitted, ValidationFailed


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


# ------------------------------------------------------------- Home Affairs' own changes
# The Department of Home Affairs (Sở Nội vụ) keeps the province's list of agencies: a ward
# merged into another (Nghị quyết of the Standing Committee of the National Assembly on the
# arrangement of commune-level units), a department renamed, a unit moved to another ranking
# group. None is a deletion: a closed agency keeps its records (old dossiers keep their
# agency) and names its successor, so old dossiers and old rankings still resolve.


def _province() -> str:
    return str(settings.CCHC_PROVINCE_CODE)


def may_manage(actor: Any) -> bool:
    return is_system(actor) or permissions.is_province_admin(actor, _province())


def _require_manager(actor: Any) -> None:
    require_actor(actor)
    if not may_manage(actor):
        raise NotPermitted(_("Only the Department of Home Affairs may change the agencies."))


def _locked_own(agency: Agency) -> Agency:
    if agency.province_code != _province():
        raise NotPermitted(_("This agency belongs to another province."))
    return events.lock(agency)


def _locked_open(agency: Agency) -> Agency:
    """The province's own agency, locked, and still in force: a closed one keeps its record."""
    agency = _locked_own(agency)
    if agency.valid_to is not None and agency.valid_to < today():
        raise ValidationFailed(
            _("This agency was closed on %(day)s and can no longer be changed.")
            % {"day": agency.valid_to.strftime("%d/%m/%Y")}
        )
    return agency


def _logged(agency: Agency, *, actor: Any, before: dict[str, Any], note: str, action: str) -> None:
    changed = events.changes(before, snapshots([agency])[agency.pk])
    if changed:
        events.append_event(
            AgencyEvent, agency, action=action, actor=actor, note=note, data=changed
        )


def change_agency(
    agency: Agency,
    *,
    actor: Any,
    name: str,
    group: RankingGroup | None,
    address: str,
    phone: str,
    reason: str,
) -> Agency:
    """Rename an agency, move it to another ranking group, or correct its address or phone.
    Dossiers already received keep pointing at the same agency (they show its current name);
    the old values stay in the agency's change log."""
    _require_manager(actor)
    name, reason = name.strip(), reason.strip()
    if not name:
        raise ValidationFailed(_("Please give the agency's name."), field="name")
    if not reason:
        raise ValidationFailed(
            _("Please give the reason and the decision (number and date)."), field="reason"
        )
    with transaction.atomic():
        agency = _locked_open(agency)
        before = snapshots([agency])[agency.pk]
        agency.name, agency.group = name, group
        agency.address, agency.phone = address.strip(), phone.strip()
        agency.save(update_fields=["name", "group", "address", "phone"])
        _logged(agency, actor=actor, before=before, note=reason, action="update")
    return agency


def merge_agency(
    agency: Agency, *, actor: Any, successor: Agency, effective_from: dt.date, reason: str
) -> Agency:
    """Close `agency` (a ward merged into another, a department merged into another) from
    `effective_from`: it is in force until the day before and names `successor`, which
    carries on its work. Its dossiers, petitions and figures keep their agency; pick lists
    offer it no more from that day; the public page sends a citizen to the successor."""
    _require_manager(actor)
    reason = reason.strip()
    if not reason:
        raise ValidationFailed(
            _("Please give the reason and the decision (number and date)."), field="reason"
        )
    if successor.pk == agency.pk:
        raise ValidationFailed(_("An agency cannot be merged into itself."), field="successor")
    with transaction.atomic():
        agency = _locked_own(agency)
        if agency.valid_to is not None:
            raise ValidationFailed(
                _("This agency is already closed (in force until %(day)s).")
                % {"day": agency.valid_to.strftime("%d/%m/%Y")}
            )
        if effective_from <= agency.valid_from:
            raise ValidationFailed(
                _("The merger must take effect after the agency's start (%(day)s).")
                % {"day": agency.valid_from.strftime("%d/%m/%Y")},
                field="effective_from",
            )
        if successor.province_code != agency.province_code or not successor.is_valid_on(
            effective_from
        ):
            raise ValidationFailed(
                _("%(name)s is not in force in the province on %(day)s.")
                % {"name": successor.name, "day": effective_from.strftime("%d/%m/%Y")},
                field="successor",
            )
        before = snapshots([agency])[agency.pk]
        agency.valid_to = effective_from - dt.timedelta(days=1)
        agency.save(update_fields=["valid_to"])
        agency.successors.add(successor)
        _merge_unit(agency, successor, valid_to=agency.valid_to)
        _logged(agency, actor=actor, before=before, note=reason, action="merge")
    return agency


def _merge_unit(agency: Agency, successor: Agency, *, valid_to: dt.date) -> None:
    """A ward's committee merged into another's means the ward itself was merged: its
    administrative unit ends the same day and names the successor's unit, so addresses and
    old figures by unit resolve too. A unit already closed, or shared, is left as it is."""
    unit, into = agency.unit, successor.unit
    if unit is None or into is None or unit.pk == into.pk or unit.valid_to is not None:
        return
    if Agency.objects.filter(unit=unit, valid_to__isnull=True).exclude(pk=agency.pk).exists():
        return  # another agency of the unit carries on (a department, a centre's branch)
    AdministrativeUnit.objects.filter(pk=unit.pk).update(valid_to=valid_to)
    unit.successors.add(into)


def today() -> dt.date:
    return timezone.now().astimezone(LOCAL_TZ).date()


# ------------------------------------------------------------------ reception hours
# Giờ tiếp nhận hồ sơ: when a citizen can hand in a dossier or collect a result. Home Affairs
# keeps them for the province; an agency's own administrator keeps its agency's.


def may_edit_hours(actor: Any, agency: Agency) -> bool:
    return may_manage(actor) or permissions.has_role(
        actor, agency.pk, [Membership.Role.AGENCY_ADMIN]
    )


def change_reception_hours(
    agency: Agency,
    *,
    actor: Any,
    entered: dict[tuple[int, str], tuple[dt.time | None, dt.time | None]],
    note: str,
) -> Agency:
    """Set an agency's reception hours: `entered` is `{(weekday, "am"|"pm"): (start, end)}`
    as the form gives it (a day with no period is closed), `note` what a citizen should also
    know ("Nghỉ các ngày lễ, Tết theo quy định"). The change log keeps the old and the new
    hours in words."""
    require_actor(actor)
    if not may_edit_hours(actor, agency):
        raise NotPermitted(
            _(
                "Only the Department of Home Affairs or the agency's administrator may "
                "change its reception hours."
            )
        )
    periods = hours.checked(entered)
    note = note.strip()
    with transaction.atomic():
        agency = _locked_open(agency)
        # the log keeps the hours in the site's language, whoever's screen changed them
        with translation.override(settings.LANGUAGE_CODE):
            before = {
                "reception_hours": hours.in_words(agency.reception_periods()),
                "reception_note": agency.reception_note,
            }
            after = {"reception_hours": hours.in_words(periods), "reception_note": note}
        agency.reception_hours = [p.as_data() for p in periods]
        agency.reception_note = note
        changed = events.changes(before, after)
        if changed:
            agency.save(update_fields=["reception_hours", "reception_note"])
            events.append_event(AgencyEvent, agency, action="hours", actor=actor, data=changed)
    return agency
