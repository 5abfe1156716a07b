"""Reporting periods of the index: a year ("2026"), a quarter ("2026-Q3") or a month ("2026-08").

Days are local days (Asia/Ho_Chi_Minh); a period ends at local midnight after its last day.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cached_property

from django.utils.translation import gettext as _

from cchc.core.calendar import LOCAL_TZ
from cchc.core.errors import ValidationFailed

_PATTERN = re.compile(r"^(\d{4})(?:-(Q[1-4]|\d{2}))?$")


@dataclass(frozen=True, order=True)
class Period:
    year: int
    kind: str  # "year" | "quarter" | "month"
    number: int = 0  # quarter 1-4 or month 1-12

    @classmethod
    def parse(cls, text: str) -> Period:
        match = _PATTERN.match((text or "").strip().upper())
        if not match:
            raise ValidationFailed(
                _("Unknown period %(p)r: use 2026, 2026-Q3 or 2026-08.") % {"p": text},
                field="period",
            )
        year, rest = int(match.group(1)), match.group(2)
        if not 1900 <= year <= 9000:  # dates outside this range cannot be shifted safely
            raise ValidationFailed(
                _("Unknown period %(p)r: use 2026, 2026-Q3 or 2026-08.") % {"p": text},
                field="period",
            )
        if rest is None:
            return cls(year, "year")
        if rest.startswith("Q"):
            return cls(year, "quarter", int(rest[1]))
        month = int(rest)
        if not 1 <= month <= 12:
            raise ValidationFailed(
                _("Unknown period %(p)r: use 2026, 2026-Q3 or 2026-08.") % {"p": text},
                field="period",
            )
        return cls(year, "month", month)

    def __str__(self) -> str:
        if self.kind == "year":
            return f"{self.year}"
        if self.kind == "quarter":
            return f"{self.year}-Q{self.number}"
        return f"{self.year}-{self.number:02d}"

    @property
    def label(self) -> str:
        if self.kind == "year":
            return _("Year %(y)s") % {"y": self.year}
        if self.kind == "quarter":
            return _("Quarter %(q)s/%(y)s") % {"q": self.number, "y": self.year}
        return _("Month %(m)s/%(y)s") % {"m": self.number, "y": self.year}

    @cached_property
    def first_month(self) -> int:
        return {"year": 1, "quarter": 3 * self.number - 2, "month": self.number}[self.kind]

    @cached_property
    def month_count(self) -> int:
        return {"year": 12, "quarter": 3, "month": 1}[self.kind]

    @cached_property
    def start(self) -> dt.date:
        return dt.date(self.year, self.first_month, 1)

    @cached_property
    def end(self) -> dt.date:
        """Last day (inclusive)."""
        return self.next().start - dt.timedelta(days=1)

    @cached_property
    def start_at(self) -> dt.datetime:
        return dt.datetime.combine(self.start, dt.time(0), tzinfo=LOCAL_TZ)

    @cached_property
    def end_at(self) -> dt.datetime:
        """Local midnight after the last day: open dossiers are judged at this moment."""
        return dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time(0), tzinfo=LOCAL_TZ)

    def months(self) -> list[dt.date]:
        return [dt.date(self.year, self.first_month + i, 1) for i in range(self.month_count)]

    def _shift(self, step: int) -> Period:
        if self.kind == "year":
            return Period(self.year + step, "year")
        size = 4 if self.kind == "quarter" else 12
        index = self.year * size + (self.number - 1) + step
        return Period(index // size, self.kind, index % size + 1)

    def next(self) -> Period:
        return self._shift(1)

    def previous(self) -> Period:
        return self._shift(-1)

    def history(self, count: int) -> list[Period]:
        """This period and the `count - 1` before it, oldest first."""
        out = [self]
        for _i in range(count - 1):
            out.append(out[-1].previous())
        return out[::-1]

    def months_as_periods(self) -> list[Period]:
        return [Period(m.year, "month", m.month) for m in self.months()]


def current(kind: str = "month", today: dt.date | None = None) -> Period:
    today = today or dt.datetime.now(LOCAL_TZ).date()
    if kind == "year":
        return Period(today.year, "year")
    if kind == "quarter":
        return Period(today.year, "quarter", (today.month - 1) // 3 + 1)
    return Period(today.year, "month", today.month)
