"""An agency's reception hours (giờ tiếp nhận hồ sơ): for each weekday a morning and an
afternoon period, read, checked and told in words.

Stored on the agency as data, `[[weekday, "HH:MM", "HH:MM"], ...]` (weekday 0 = Monday),
ordered by day and start. Whether the one-stop section is open *now* follows from those
periods and the province's working-day calendar (`cchc.core.calendar`): closed on a public
holiday or a day off the province decided. A weekend day decreed a working day (làm bù) keeps
no known schedule, so no "open now" is claimed for it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cchc.core.calendar import LOCAL_TZ, WorkingCalendar
from cchc.core.errors import ValidationFailed

WEEKDAYS = [
    gettext_lazy("Monday"),
    gettext_lazy("Tuesday"),
    gettext_lazy("Wednesday"),
    gettext_lazy("Thursday"),
    gettext_lazy("Friday"),
    gettext_lazy("Saturday"),
    gettext_lazy("Sunday"),
]
SLOTS = ("am", "pm")  # the two periods a day has on the form: morning, afternoon


@dataclass(frozen=True)
class Period:
    weekday: int
    start: dt.time
    end: dt.time

    def as_data(self) -> list[Any]:
        return [self.weekday, self.start.strftime("%H:%M"), self.end.strftime("%H:%M")]

    def label(self) -> str:
        return f"{self.start:%H:%M}–{self.end:%H:%M}"


def field_name(weekday: int, slot: str, part: str) -> str:
    """The form field of one end of one period: `d0_am_start` is Monday morning's start."""
    return f"d{weekday}_{slot}_{part}"


def from_data(rows: Any) -> list[Period]:
    """The periods an agency's record holds (rows that cannot be read are skipped: the
    record is written only by `services.change_reception_hours`, which checks them)."""
    periods = []
    for row in rows or []:
        try:
            weekday, start, end = row
            periods.append(
                Period(int(weekday), dt.time.fromisoformat(start), dt.time.fromisoformat(end))
            )
        except (TypeError, ValueError):
            continue
    return sorted(periods, key=lambda p: (p.weekday, p.start))


def checked(entered: dict[tuple[int, str], tuple[dt.time | None, dt.time | None]]) -> list[Period]:
    """The periods entered on the form, `{(weekday, slot): (start, end)}`, checked: both ends
    given, the end after the start, the afternoon after the morning. Raises ValidationFailed
    naming the field to correct."""
    periods: list[Period] = []
    for weekday in range(7):
        day_periods: list[tuple[str, Period]] = []
        for slot in SLOTS:
            start, end = entered.get((weekday, slot), (None, None))
            if start is None and end is None:
                continue
            day = WEEKDAYS[weekday]
            if start is None or end is None:
                missing = "start" if start is None else "end"
                raise ValidationFailed(
                    _("%(day)s: please give both the opening and the closing time.") % {"day": day},
                    field=field_name(weekday, slot, missing),
                )
            if end <= start:
                raise ValidationFailed(
                    _("%(day)s: the closing time %(end)s must be after the opening time %(start)s.")
                    % {"day": day, "end": f"{end:%H:%M}", "start": f"{start:%H:%M}"},
                    field=field_name(weekday, slot, "end"),
                )
            day_periods.append((slot, Period(weekday, start, end)))
        for (_slot, first), (slot, second) in zip(day_periods, day_periods[1:], strict=False):
            if second.start < first.end:
                raise ValidationFailed(
                    _(
                        "%(day)s: the afternoon period (%(second)s) overlaps the morning period (%(first)s)."
                    )
                    % {"day": WEEKDAYS[weekday], "second": second.label(), "first": first.label()},
                    field=field_name(weekday, slot, "start"),
                )
        periods.extend(p for _slot, p in day_periods)
    return periods


def rows(periods: list[Period]) -> list[tuple[str, str]]:
    """The hours as a citizen reads them, consecutive days with the same periods together:
    [("Thứ Hai – Thứ Sáu", "07:30–11:30, 13:30–17:00"), ("Thứ Bảy", "07:30–11:30")]."""
    by_day: dict[int, str] = {}
    for p in periods:
        by_day[p.weekday] = (
            f"{by_day[p.weekday]}, {p.label()}" if p.weekday in by_day else p.label()
        )
    out: list[tuple[str, str]] = []
    run: list[int] = []
    for weekday in [*range(7), 7]:
        if run and (weekday == 7 or by_day.get(weekday) != by_day.get(run[0])):
            if run[0] in by_day:
                days = str(WEEKDAYS[run[0]])
                if len(run) > 1:
                    days = f"{days} – {WEEKDAYS[run[-1]]}"
                out.append((days, by_day[run[0]]))
            run = []
        if weekday < 7:
            run.append(weekday)
    return out


def in_words(periods: list[Period]) -> str:
    """One line for the change log: "Thứ Hai – Thứ Sáu: 07:30–11:30, 13:30–17:00; ..."."""
    return "; ".join(f"{days}: {times}" for days, times in rows(periods))


@dataclass(frozen=True)
class OpenNow:
    is_open: bool
    reason: str = ""  # why closed on a day it would open: the holiday, the day off


def open_now(
    periods: list[Period], moment: dt.datetime, calendar: WorkingCalendar
) -> OpenNow | None:
    """Whether the agency receives at `moment` (Asia/Ho_Chi_Minh): inside one of the day's
    periods, and the day is not a public holiday or a day off. None when it cannot honestly
    be said: no hours recorded, or a weekend day decreed a working day (which schedule it
    keeps is not recorded)."""
    if not periods:
        return None
    local = moment.astimezone(LOCAL_TZ)
    day = local.date()
    today = [p for p in periods if p.weekday == day.weekday()]
    if day.weekday() >= 5 and calendar.is_working_day(day):
        return None
    if day.weekday() < 5 and not calendar.is_working_day(day):
        return OpenNow(False, calendar.why_not_working(day))
    if calendar.exceptions.get(day) == "DAY_OFF" or calendar.holiday_name(day):
        return OpenNow(False, calendar.why_not_working(day))
    now = local.time()
    return OpenNow(any(p.start <= now < p.end for p in today))
