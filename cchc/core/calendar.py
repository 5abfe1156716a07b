"""The legal working-day calendar: "due when, and why".

Working days: Monday-Friday, less Vietnam's public holidays (package `holidays`, country VN,
which knows Tết and the government's substituted days and make-up Saturdays), less or plus
the province's own exceptions (`CalendarException`). Working time inside a day follows the
rule version's `working_hours` windows (default 08:00-12:00 and 13:00-17:00 = 8 hours,
so 1 working day = 8 working hours).

A dossier received after the cut-off (15:00 in Hà Nội's process decisions) is counted from
the next working day. All arithmetic is done in Asia/Ho_Chi_Minh local time.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

import holidays as holidays_lib
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from cchc.core.errors import ValidationFailed

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")

DEFAULT_PARAMS: dict[str, Any] = {
    "working_hours": [["08:00", "12:00"], ["13:00", "17:00"]],
    "cutoff": "15:00",
    "hours_per_day": 8,
}
DUE_CACHE_SIZE = 4096  # derivations remembered per calendar (one per dossier being worked on)

HOLIDAY_NAMES_VI = {
    "New Year's Day": "Tết Dương lịch",
    "Lunar New Year's Eve": "Tết Nguyên đán (Giao thừa)",
    "Lunar New Year": "Tết Nguyên đán",
    "Second Day of Lunar New Year": "Tết Nguyên đán (mùng 2)",
    "Third Day of Lunar New Year": "Tết Nguyên đán (mùng 3)",
    "Fourth Day of Lunar New Year": "Tết Nguyên đán (mùng 4)",
    "Fifth Day of Lunar New Year": "Tết Nguyên đán (mùng 5)",
    "29 of Lunar New Year": "Tết Nguyên đán (29 tháng Chạp)",
    "Hung Kings' Commemoration Day": "Giỗ Tổ Hùng Vương",
    "Hung Kings' Commemoration Day (observed)": "Nghỉ bù Giỗ Tổ Hùng Vương",
    "Liberation Day/Reunification Day": "Ngày Giải phóng miền Nam, thống nhất đất nước",
    "International Labor Day": "Ngày Quốc tế Lao động",
    "National Day": "Quốc khánh",
    "Vietnam Cultural Day": "Ngày Văn hóa Việt Nam",
}


_OBSERVED = " (observed)"
_SWAPPED = re.compile(r"^Day off \(substituted from (\d{2})/(\d{2})/(\d{4})\)$")


def vietnamese_holiday_name(name: str) -> str:
    """The Vietnamese name of a national holiday as the `holidays` package names it: a day
    of two holidays is "A; B", a holiday moved off a weekend is "A (observed)" (nghỉ bù), and
    a weekday off swapped with a Saturday worked is "Day off (substituted from MM/DD/YYYY)"
    (the Government's hoán đổi ngày làm việc). Any other name stays as given."""
    out = []
    for part in name.split("; "):
        swapped = _SWAPPED.match(part)
        if part in HOLIDAY_NAMES_VI:
            out.append(HOLIDAY_NAMES_VI[part])
        elif swapped:
            month, day, year = swapped.groups()
            out.append(f"Ngày nghỉ hoán đổi (làm bù ngày {day}/{month}/{year})")
        elif part.endswith(_OBSERVED) and part.removesuffix(_OBSERVED) in HOLIDAY_NAMES_VI:
            out.append("Nghỉ bù " + HOLIDAY_NAMES_VI[part.removesuffix(_OBSERVED)])
        else:
            out.append(part)
    return "; ".join(out)


def _parse_hhmm(value: str) -> dt.time:
    hours, minutes = value.split(":")
    return dt.time(int(hours), int(minutes))


@lru_cache(maxsize=64)
def _national_holidays(year: int) -> tuple[dict[dt.date, str], frozenset[dt.date]]:
    vn = holidays_lib.country_holidays("VN", years=[year])
    days = {d: str(name) for d, name in vn.items() if d.year == year}
    workdays = frozenset(d for d in getattr(vn, "weekend_workdays", set()) if d.year == year)
    return days, workdays


@dataclass
class Derivation:
    """How a due time was obtained, line by line, for staff and citizens."""

    start_at: dt.datetime
    due_at: dt.datetime
    lines: list[str] = field(default_factory=list)
    skipped_days: list[tuple[dt.date, str]] = field(default_factory=list)


class WorkingCalendar:
    """Working-time arithmetic for one province under one rule version's parameters."""

    def __init__(
        self,
        *,
        exceptions: dict[dt.date, str] | None = None,
        exception_reasons: dict[dt.date, str] | None = None,
        params: dict[str, Any] | None = None,
    ) -> None:
        merged = {**DEFAULT_PARAMS, **(params or {})}
        self.windows = [(_parse_hhmm(a), _parse_hhmm(b)) for a, b in merged["working_hours"]]
        self.cutoff = _parse_hhmm(merged["cutoff"]) if merged.get("cutoff") else None
        self.hours_per_day = int(merged["hours_per_day"])
        self.exceptions = exceptions or {}
        self.exception_reasons = exception_reasons or {}
        self._day_cache: dict[dt.date, bool] = {}
        self._due_cache: dict[tuple[Any, ...], Derivation] = {}
        self.day_seconds = sum(
            (dt.datetime.combine(dt.date.min, b) - dt.datetime.combine(dt.date.min, a)).seconds
            for a, b in self.windows
        )

    # -- construction from the database ------------------------------------------------
    @classmethod
    def for_province(
        cls, province_code: str = "", params: dict[str, Any] | None = None
    ) -> WorkingCalendar:
        from cchc.core.models import CalendarException

        exceptions: dict[dt.date, str] = {}
        reasons: dict[dt.date, str] = {}
        rows = CalendarException.objects.filter(province_code__in=["", province_code]).order_by(
            "province_code"
        )  # province rows come last and win over nationwide rows
        for row in rows:
            exceptions[row.date] = row.kind
            reasons[row.date] = row.reason
        return cls(exceptions=exceptions, exception_reasons=reasons, params=params)

    # -- days --------------------------------------------------------------------------
    def holiday_name(self, day: dt.date) -> str | None:
        names, _workdays = _national_holidays(day.year)
        name = names.get(day)
        if name is None:
            return None
        return vietnamese_holiday_name(name) if _lang_is_vi() else name

    def is_working_day(self, day: dt.date) -> bool:
        cached = self._day_cache.get(day)
        if cached is not None:
            return cached
        kind = self.exceptions.get(day)
        if kind == "WORKING_DAY":
            result = True
        elif kind == "DAY_OFF":
            result = False
        else:
            names, workdays = _national_holidays(day.year)
            if day in names:
                result = False
            elif day in workdays:
                result = True
            else:
                result = day.weekday() < 5
        self._day_cache[day] = result
        return result

    def why_not_working(self, day: dt.date) -> str:
        if self.exceptions.get(day) == "DAY_OFF":
            return self.exception_reasons.get(day, _("day off decided by the province"))
        name = self.holiday_name(day)
        if name:
            return name
        # the line already names the weekday ("Thứ 7 21/11/2026 không tính: ..."): the reason
        # says why such a day is off, not the weekday again
        return _("weekend")

    def next_working_day(self, day: dt.date) -> dt.date:
        day += dt.timedelta(days=1)
        while not self.is_working_day(day):
            day += dt.timedelta(days=1)
        return day

    def add_working_days(self, day: dt.date, count: int) -> dt.date:
        for _i in range(count):
            day = self.next_working_day(day)
        return day

    # -- time --------------------------------------------------------------------------
    def _local(self, moment: dt.datetime) -> dt.datetime:
        if moment.tzinfo is None:
            raise ValueError("naive datetime given to the working calendar")
        return moment.astimezone(LOCAL_TZ)

    def _windows_of(self, day: dt.date) -> list[tuple[dt.datetime, dt.datetime]]:
        return [
            (dt.datetime.combine(day, a, LOCAL_TZ), dt.datetime.combine(day, b, LOCAL_TZ))
            for a, b in self.windows
        ]

    def day_start(self, day: dt.date) -> dt.datetime:
        return dt.datetime.combine(day, self.windows[0][0], LOCAL_TZ)

    def day_end(self, day: dt.date) -> dt.datetime:
        return dt.datetime.combine(day, self.windows[-1][1], LOCAL_TZ)

    def is_working_time(self, moment: dt.datetime) -> bool:
        """Is `moment` inside working time: a working day, within one of its windows (a
        window's end included, as an appointment at 17:00 is written on a receipt)?"""
        local = self._local(moment)
        if not self.is_working_day(local.date()):
            return False
        return any(start <= local <= end for start, end in self._windows_of(local.date()))

    def next_working_instant(self, moment: dt.datetime) -> dt.datetime:
        """The earliest working instant at or after `moment`."""
        local = self._local(moment)
        day = local.date()
        if self.is_working_day(day):
            for start, end in self._windows_of(day):
                if local < start:
                    return start
                if local < end:
                    return local
        return self.day_start(self.next_working_day(day))

    def add_working_seconds(self, moment: dt.datetime, seconds: float) -> dt.datetime:
        """The instant after `seconds` of working time counted from `moment`.

        A due time that falls exactly at a window's end stays there (17:00, not 08:00 the
        next day), which is how an appointment is written on a receipt.
        """
        local = self._local(moment)
        if seconds <= 0:
            return local
        remaining = float(seconds)
        current = self.next_working_instant(local)
        day = current.date()
        while True:
            for start, end in self._windows_of(day):
                if end <= current:
                    continue
                begin = max(start, current)
                available = (end - begin).total_seconds()
                if remaining <= available:
                    return begin + dt.timedelta(seconds=remaining)
                remaining -= available
            # whole days can be skipped in one step once we are at a day boundary
            day = self.next_working_day(day)
            while remaining > self.day_seconds:
                remaining -= self.day_seconds
                day = self.next_working_day(day)
            current = self.day_start(day)

    def working_seconds_between(self, start: dt.datetime, end: dt.datetime) -> float:
        """Working time elapsed from `start` to `end` (0 if end <= start)."""
        a, b = self._local(start), self._local(end)
        if b <= a:
            return 0.0
        total = 0.0
        day = a.date()
        last = b.date()
        while day <= last:
            if self.is_working_day(day):
                for ws, we in self._windows_of(day):
                    lo, hi = max(ws, a), min(we, b)
                    if hi > lo:
                        total += (hi - lo).total_seconds()
            day += dt.timedelta(days=1)
        return total

    # -- deadlines ---------------------------------------------------------------------
    def counting_start(self, received_at: dt.datetime) -> tuple[dt.datetime, str]:
        """Where the legal clock starts, and why."""
        local = self._local(received_at)
        day = local.date()
        if not self.is_working_day(day):
            start = self.day_start(self.next_working_day(day))
            return start, _(
                "received on a non-working day (%(why)s): counting starts %(start)s"
            ) % {"why": self.why_not_working(day), "start": fmt(start)}
        if self.cutoff is not None and local.time() >= self.cutoff:
            start = self.day_start(self.next_working_day(day))
            return start, _(
                "received after the %(cutoff)s cut-off: counting starts on the next working day, %(start)s"
            ) % {"cutoff": self.cutoff.strftime("%H:%M"), "start": fmt(start)}
        start = self.next_working_instant(local)
        if start != local:
            return start, _("received outside working hours: counting starts %(start)s") % {
                "start": fmt(start)
            }
        return start, _("received within working hours: counting starts at once")

    def due(self, received_at: dt.datetime, amount: Decimal | float | int, unit: str) -> Derivation:
        """The legal due time of something received at `received_at`.

        unit: `working_day` (x hours_per_day working hours), `working_hour`, or `same_day`
        (end of the day counting starts on).

        Remembered per calendar (a calendar never changes once built): every response about a
        dossier shows its derivation, and walking the days with translated lines cost more
        than the rest of an API action. The caller gets its own copy of the lines.
        """
        key = (received_at, amount, unit, get_language())
        hit = self._due_cache.get(key)
        if hit is None:
            if len(self._due_cache) >= DUE_CACHE_SIZE:
                self._due_cache.clear()
            hit = self._due_cache[key] = self._derive_due(received_at, amount, unit)
        return replace(hit, lines=list(hit.lines), skipped_days=list(hit.skipped_days))

    def _derive_due(
        self, received_at: dt.datetime, amount: Decimal | float | int, unit: str
    ) -> Derivation:
        start, start_line = self.counting_start(received_at)
        lines = [_("Received: %(at)s") % {"at": fmt(self._local(received_at))}, start_line]
        if unit == "same_day":
            due_at = self.day_end(start.date())
            lines.append(_("same-day procedure: due at the end of that working day"))
        elif unit in ("working_day", "working_hour"):
            hours = Decimal(str(amount)) * (self.hours_per_day if unit == "working_day" else 1)
            due_at = self.add_working_seconds(start, float(hours) * 3600)
            if unit == "working_day":
                lines.append(
                    _("%(n)s working days = %(h)s working hours (%(per)s hours a day)")
                    % {"n": _num(amount), "h": _num(hours), "per": self.hours_per_day}
                )
            else:
                lines.append(_("%(h)s working hours") % {"h": _num(hours)})
        else:
            raise ValueError(f"unknown time unit {unit!r}")
        skipped = self.non_working_days_between(self._local(received_at).date(), due_at.date())
        for day, why in skipped:
            lines.append(
                _("%(day)s is not counted: %(why)s")
                % {"day": date_format(day, "D d/m/Y"), "why": why}
            )
        lines.append(_("Due: %(at)s") % {"at": fmt(due_at)})
        # each line is a sentence on its own (the status page and form 06 list them)
        lines = [capfirst(line) for line in lines]
        return Derivation(start_at=start, due_at=due_at, lines=lines, skipped_days=skipped)

    def non_working_days_between(self, first: dt.date, last: dt.date) -> list[tuple[dt.date, str]]:
        out = []
        day = first
        while day <= last:
            if not self.is_working_day(day):
                out.append((day, self.why_not_working(day)))
            day += dt.timedelta(days=1)
        return out


def when(at: dt.datetime | None) -> dt.datetime:
    """The moment a service acts at: `at` as given (an import or a back-dated entry), else
    now. A time without its zone is refused rather than guessed."""
    if at is None:
        return timezone.now()
    if timezone.is_naive(at):
        raise ValidationFailed(_("Times must include a time zone."))
    return at


def fmt(moment: dt.datetime) -> str:
    return moment.astimezone(LOCAL_TZ).strftime("%H:%M %d/%m/%Y")


def _num(value: Any) -> str:
    d = Decimal(str(value))
    return str(d.quantize(Decimal(1))) if d == d.to_integral() else str(d.normalize())


def _lang_is_vi() -> bool:
    return (get_language() or "vi").startswith("vi")
