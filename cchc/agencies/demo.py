"""Reception hours for the demo's agencies: Monday to Friday 7:30–11:30 and 13:30–17:00 (the
common one-stop hours), and Saturday morning at the commune people's committees (many wards
receive then)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from cchc.agencies import services
from cchc.agencies.models import Agency, AgencyLevel
from cchc.core.actors import SYSTEM

MORNING = (dt.time(7, 30), dt.time(11, 30))
AFTERNOON = (dt.time(13, 30), dt.time(17, 0))
NOTE = "Nghỉ các ngày lễ, Tết theo quy định"


def seed_reception_hours(stdout: Any = None) -> int:
    """Give every agency in force without hours the demo's hours; returns how many."""
    count = 0
    for agency in Agency.objects.current().in_province(services._province()):
        if agency.reception_hours:
            continue
        entered = {(d, "am"): MORNING for d in range(5)} | {(d, "pm"): AFTERNOON for d in range(5)}
        if agency.level == AgencyLevel.COMMUNE:
            entered[(5, "am")] = MORNING
        services.change_reception_hours(agency, actor=SYSTEM, entered=entered, note=NOTE)
        count += 1
    if stdout is not None:
        stdout.write(f"Reception hours for {count} agencies")
    return count
