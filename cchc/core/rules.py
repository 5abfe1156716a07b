"""Access to versioned rules with a per-process cache of the (small, rarely changed) rows."""

from __future__ import annotations

import datetime as dt

from cchc.core.calendar import WorkingCalendar
from cchc.core.models import RuleVersion

ONE_STOP = "one_stop"
PETITION = "petition"


def rule_in_force(key: str, on: dt.date) -> RuleVersion:
    return RuleVersion.objects.in_force(key, on)


def calendar_for(province_code: str, rule: RuleVersion | None = None) -> WorkingCalendar:
    return WorkingCalendar.for_province(province_code, params=(rule.params if rule else None))
