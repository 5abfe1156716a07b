"""Every change of the province's rules (issue 17 point 7). Views and commands call these.

Each change: checks that the actor is the Department of Home Affairs (Sở Nội vụ) → locks the
province's rulebook row (so checks and writes of two officers never interleave) → validates
→ writes → appends the event (cchc.core.events) → after commit, forgets the cached calendars
and rules of this process. Other processes keep theirs for at most `dossiers.services`'
cache lifetime (60 s); a change therefore takes effect from a day that has not started yet
(rule versions) or is refused while dossiers already depend on the old rule.

Decisions (documented in docs/rules.md):
- A rule version is never edited. A new version takes effect on its date; the open-ended
  version before it gets its end date (the day before) and nothing else changes.
- A version overlapping another (an existing version starts on or after the new date, or a
  closed version covers it) is refused.
- A version already used by dossiers, petitions or complaints can only be superseded from
  tomorrow on: an earlier date would change the rules of records already received.
- A calendar exception on a past date is refused (it would rewrite finished derivations); on
  a date on which open dossiers are due it needs explicit confirmation of their number (the
  officer sees the count and a link to the list; their stored due dates are not moved).
- A calendar exception of a day not yet past can be cancelled (with a reason, in the audit
  list); cancelling a make-up working day on which open dossiers are due needs the same
  confirmation of their number.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, NoReturn

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from cchc.accounts import permissions
from cchc.core import events
from cchc.core.actors import is_system, require_actor
from cchc.core.calendar import LOCAL_TZ, WorkingCalendar
from cchc.core.errors import NotPermitted, ValidationFailed
from cchc.core.models import CalendarException, RuleVersion
from cchc.dossiers import services as dossier_services
from cchc.dossiers.models import Dossier
from cchc.rulebook.models import Rulebook, RulebookEvent

A = RulebookEvent.Action
Kind = CalendarException.Kind


class NeedsConfirmation(ValidationFailed):
    """The change is valid but touches dossiers already due: ask again with their count."""

    code = "needs_confirmation"

    def __init__(self, message: str, *, count: int, day: dt.date):
        super().__init__(message, field="confirm_dossiers_due")
        self.count = count
        self.day = day


def _ask_confirmation(count: int, day: dt.date, message: str) -> NoReturn:
    """Refuse a calendar change that concerns open dossiers due on `day` until the person
    confirms their number (`message` says what the confirmation lets happen)."""
    raise NeedsConfirmation(message % {"n": count, "day": _d(day)}, count=count, day=day)


def province() -> str:
    return str(settings.CCHC_PROVINCE_CODE)


def may_manage(actor: Any) -> bool:
    return is_system(actor) or permissions.is_province_admin(actor, province())


def require_manager(actor: Any) -> None:
    require_actor(actor)
    if not may_manage(actor):
        raise NotPermitted(_("Only the Department of Home Affairs may change the rules."))


def today() -> dt.date:
    return timezone.now().astimezone(LOCAL_TZ).date()


def _d(day: dt.date) -> str:
    return date_format(day, "d/m/Y")


def _locked_rulebook() -> Rulebook:
    book, _created = Rulebook.objects.get_or_create(province_code=province())
    return events.lock(book)


def _after_commit() -> None:
    transaction.on_commit(dossier_services.clear_caches)


# ------------------------------------------------------------------ calendar exceptions
@dataclass(frozen=True)
class DayChange:
    day: dt.date
    kind: str  # CalendarException.Kind


@dataclass(frozen=True)
class YearDay:
    """A day of the year that is not what its weekday says: a holiday, a day off or a
    make-up working day, with where it comes from."""

    day: dt.date
    working: bool  # as the working calendar counts it, the province's decision included
    national: str  # the national calendar's name for the day ("" if it has none)
    exception: CalendarException | None  # the province's decision on the day, if any


def year_overview(year: int) -> list[YearDay]:
    """Every holiday, day off and make-up working day of `year` for the province, as the
    working calendar counts them: the national calendar (Tết and the other lunar holidays,
    decreed swaps) and the province's own exceptions, so Home Affairs can check the year
    before dossiers are due on it (domain §4)."""
    calendar = WorkingCalendar.for_province(province())
    national = WorkingCalendar()  # the national calendar alone
    rows = {
        e.date: e
        for e in CalendarException.objects.filter(
            province_code__in=["", province()], date__year=year
        ).order_by("province_code")  # the province's row wins over a nationwide one
    }
    out = []
    day = dt.date(year, 1, 1)
    while day.year == year:
        row = rows.get(day)
        name = calendar.holiday_name(day) or ""
        if not name and national.is_working_day(day) and day.weekday() >= 5:
            name = _("Make-up working day decreed by the Government")
        if row is not None or name:
            out.append(
                YearDay(day=day, working=calendar.is_working_day(day), national=name, exception=row)
            )
        day += dt.timedelta(days=1)
    return out


def describe_change(day: dt.date, kind: str) -> str:
    """What a calendar exception changes, in words: "Tuesday 08/12/2026: a working day
    becomes a day off"."""
    weekday = date_format(day, "D")
    if kind == Kind.DAY_OFF:
        return _("%(weekday)s %(day)s: a working day becomes a day off") % {
            "weekday": weekday,
            "day": _d(day),
        }
    return _("%(weekday)s %(day)s: a day off becomes a working day") % {
        "weekday": weekday,
        "day": _d(day),
    }


def dossiers_due_on(day: dt.date) -> models.QuerySet[Dossier]:
    """Open dossiers of the province whose due time falls on `day` (local time)."""
    start = dt.datetime.combine(day, dt.time.min, LOCAL_TZ)
    return Dossier.objects.open().filter(
        receiving_agency__province_code=province(),
        due_at__gte=start,
        due_at__lt=start + dt.timedelta(days=1),
    )


def add_calendar_exceptions(
    *,
    actor: Any,
    changes: list[DayChange],
    reason: str,
    document_number: str,
    document_date: dt.date,
    confirmed_dossiers_due: int | None = None,
) -> list[CalendarException]:
    """Add a province day off, a make-up working day, or both at once (a decreed swap: a
    weekday off against a working Saturday). All or nothing."""
    require_manager(actor)
    reason, document_number = reason.strip(), document_number.strip()
    if not reason:
        raise ValidationFailed(_("Please give the reason."), field="reason")
    if not document_number:
        raise ValidationFailed(
            _("Please give the number of the legal document."), field="document_number"
        )
    if document_date > today():
        raise ValidationFailed(
            _("The legal document cannot be dated in the future."), field="document_date"
        )
    if len({c.day for c in changes}) != len(changes):
        raise ValidationFailed(_("The two days must be different."), field="swap_with")
    with transaction.atomic():
        book = _locked_rulebook()
        calendar = WorkingCalendar.for_province(province())
        due_total = 0
        for change in changes:
            if change.day < today():
                raise ValidationFailed(
                    _("%(day)s has passed: a calendar exception must be today or later.")
                    % {"day": _d(change.day)},
                    field="date",
                )
            if CalendarException.objects.filter(province_code=province(), date=change.day).exists():
                raise ValidationFailed(
                    _("%(day)s already has a calendar exception.") % {"day": _d(change.day)},
                    field="date",
                )
            working = calendar.is_working_day(change.day)
            if change.kind == Kind.DAY_OFF and not working:
                raise ValidationFailed(
                    _("%(day)s is already a day off (%(why)s).")
                    % {"day": _d(change.day), "why": calendar.why_not_working(change.day)},
                    field="date",
                )
            if change.kind == Kind.WORKING_DAY and working:
                raise ValidationFailed(
                    _("%(day)s is already a working day.") % {"day": _d(change.day)},
                    field="swap_with" if len(changes) > 1 else "date",
                )
            if change.kind == Kind.DAY_OFF:
                due_total += dossiers_due_on(change.day).count()
        if due_total and confirmed_dossiers_due != due_total:
            first = next(c.day for c in changes if c.kind == Kind.DAY_OFF)
            _ask_confirmation(
                due_total,
                first,
                _(
                    "%(n)s open dossiers are due on %(day)s. Their due dates stay as they are; "
                    "tick the confirmation to add the day off anyway."
                ),
            )
        created = []
        for change in changes:
            try:
                with transaction.atomic():
                    created.append(
                        CalendarException.objects.create(
                            province_code=province(),
                            date=change.day,
                            kind=change.kind,
                            reason=reason,
                            legal_source=f"{document_number} ({_d(document_date)})",
                            document_number=document_number,
                            document_date=document_date,
                        )
                    )
            except IntegrityError as exc:  # added by someone else meanwhile
                raise ValidationFailed(
                    _("%(day)s already has a calendar exception.") % {"day": _d(change.day)},
                    field="date",
                ) from exc
        events.append_event(
            RulebookEvent,
            book,
            action=A.ADD_CALENDAR_EXCEPTION,
            actor=actor,
            note=reason,
            data={
                "days": [{"date": c.day.isoformat(), "kind": c.kind} for c in changes],
                "document_number": document_number,
                "document_date": document_date.isoformat(),
                "dossiers_due": due_total,
            },
            save=True,
        )
        _after_commit()
    return created


def swap_partners(row: CalendarException) -> list[CalendarException]:
    """The other days added together with `row` (the other half of a decreed swap), still
    in place and not past: cancelling one half alone would leave the swap lopsided."""
    for event in RulebookEvent.objects.filter(
        rulebook__province_code=province(), action=A.ADD_CALENDAR_EXCEPTION
    ).order_by("-seq"):
        days = {(d.get("date"), d.get("kind")) for d in (event.data or {}).get("days", [])}
        if (row.date.isoformat(), row.kind) in days:
            others = [dt.date.fromisoformat(d) for d, _k in days if d != row.date.isoformat()]
            return [
                other
                for other in CalendarException.objects.filter(
                    province_code=province(), date__in=others, date__gte=today()
                ).order_by("date")
                if (other.date.isoformat(), other.kind) in days
            ]
    return []


def cancel_calendar_exception(
    *,
    actor: Any,
    exception_id: int,
    reason: str,
    confirmed_dossiers_due: int | None = None,
) -> list[CalendarException]:
    """Take back a day off or make-up working day the province added (entered by mistake,
    or revoked by a later decision): the day counts as the national calendar says again;
    the other half of a swap, if not past, is cancelled with it. A past day is never
    changed; cancelling a make-up working day on which open dossiers are due needs the
    confirmation of their number, as adding a day off does."""
    require_manager(actor)
    reason = reason.strip()
    if not reason:
        raise ValidationFailed(_("Please give the reason."), field="reason")
    with transaction.atomic():
        book = _locked_rulebook()
        row = CalendarException.objects.filter(pk=exception_id, province_code=province()).first()
        if row is None:
            raise ValidationFailed(_("This calendar exception no longer exists."))
        if row.date < today():
            raise ValidationFailed(
                _("%(day)s has passed: its calendar exception can no longer be cancelled.")
                % {"day": _d(row.date)}
            )
        rows = [row, *swap_partners(row)]
        national = WorkingCalendar()
        due_total, due_day = 0, row.date
        for r in rows:
            if r.kind == Kind.WORKING_DAY and not national.is_working_day(r.date):
                count = dossiers_due_on(r.date).count()
                if count and not due_total:
                    due_day = r.date
                due_total += count
        if due_total and confirmed_dossiers_due != due_total:
            _ask_confirmation(
                due_total,
                due_day,
                _(
                    "%(n)s open dossiers are due on %(day)s. Their due dates stay as they are; "
                    "tick the confirmation to cancel the make-up working day anyway."
                ),
            )
        data = {
            "days": [{"date": r.date.isoformat(), "kind": r.kind} for r in rows],
            "reason": row.reason,
            "document_number": row.document_number,
            "document_date": row.document_date.isoformat() if row.document_date else None,
            "dossiers_due": due_total,
        }
        CalendarException.objects.filter(pk__in=[r.pk for r in rows]).delete()
        events.append_event(
            RulebookEvent,
            book,
            action=A.CANCEL_CALENDAR_EXCEPTION,
            actor=actor,
            note=reason,
            data=data,
            save=True,
        )
        _after_commit()
    return rows


# ------------------------------------------------------------------------ rule versions
def _users(version: RuleVersion) -> list[tuple[Any, str]]:
    """(model, field) of every record that keeps a rule version (dossiers, petitions,
    complaints...), found from the relations so a module added later is counted too."""
    found = []
    for rel in RuleVersion._meta.get_fields(include_hidden=True):
        if rel.auto_created and not rel.concrete and (rel.one_to_many or rel.one_to_one):
            found.append((rel.related_model, str(rel.field.name)))  # type: ignore[union-attr]
    return found


def records_using(version: RuleVersion) -> int:
    return sum(
        model._default_manager.filter(**{field: version}).count()
        for model, field in _users(version)
    )


def add_rule_version(
    *,
    actor: Any,
    key: str,
    version: str,
    effective_from: dt.date,
    legal_source: str,
    params: dict[str, Any],
) -> RuleVersion:
    """A new version of rule `key` in force from `effective_from`, open-ended; the version
    in force before it ends the day before. Never edits a version's parameters."""
    require_manager(actor)
    version, legal_source = version.strip(), legal_source.strip()
    if not version:
        raise ValidationFailed(_("Please name the version."), field="version")
    if not legal_source:
        raise ValidationFailed(
            _("Please give the legal document (number and date)."), field="legal_source"
        )
    with transaction.atomic():
        book = _locked_rulebook()
        existing = list(
            RuleVersion.objects.select_for_update().filter(key=key).order_by("effective_from")
        )
        if not existing:
            raise ValidationFailed(_("Unknown rule '%(key)s'.") % {"key": key}, field="key")
        if any(v.version == version for v in existing):
            raise ValidationFailed(
                _("Rule '%(key)s' already has a version named %(v)s.") % {"key": key, "v": version},
                field="version",
            )
        later = [v for v in existing if v.effective_from >= effective_from]
        if later:
            raise ValidationFailed(
                _(
                    "The new version would overlap version %(v)s, in force from %(day)s: "
                    "choose a date after it."
                )
                % {"v": later[0].version, "day": _d(later[0].effective_from)},
                field="effective_from",
            )
        current = existing[-1]
        if current.effective_to is not None and current.effective_to >= effective_from:
            raise ValidationFailed(
                _("The new version would overlap version %(v)s, in force until %(day)s.")
                % {"v": current.version, "day": _d(current.effective_to)},
                field="effective_from",
            )
        superseded = current if current.effective_to is None else None
        if superseded is not None and effective_from <= today():
            used = records_using(superseded)
            if used:
                raise ValidationFailed(
                    _(
                        "Version %(v)s is already used by %(n)s dossiers or petitions: a new "
                        "version can take effect from tomorrow (%(day)s) at the earliest."
                    )
                    % {
                        "v": superseded.version,
                        "n": used,
                        "day": _d(today() + dt.timedelta(days=1)),
                    },
                    field="effective_from",
                )
        created = RuleVersion.objects.create(
            key=key,
            version=version,
            effective_from=effective_from,
            legal_source=legal_source,
            params=params,
        )
        if superseded is not None:
            RuleVersion.objects.filter(pk=superseded.pk).update(
                effective_to=effective_from - dt.timedelta(days=1)
            )
        events.append_event(
            RulebookEvent,
            book,
            action=A.ADD_RULE_VERSION,
            actor=actor,
            note=legal_source,
            data={
                "key": key,
                "version": version,
                "effective_from": effective_from.isoformat(),
                "params": params,
                "superseded": (
                    {
                        "version": superseded.version,
                        "effective_to": (effective_from - dt.timedelta(days=1)).isoformat(),
                    }
                    if superseded
                    else None
                ),
            },
            save=True,
        )
        _after_commit()
    return created
