"""Dossier codes: `V1V2V3.Z1Z2.Y1Y2.MX1X2-YYMMDD-XXXX` (Circular 01/2018/TT-VPCP art. 19).

The receiving agency's identity code, the receipt date and a 4-digit sequence within that
agency and day, e.g. `000.00.01.H26-260930-0012`. Whether Circular 03/2025 changed it is
unconfirmed, so the layout is the rule version's `dossier_code_format` parameter.
"""

from __future__ import annotations

import datetime as dt
import re

DEFAULT_FORMAT = "{agency}-{date:%y%m%d}-{seq:04d}"
CODE_PATTERN = re.compile(r"^[0-9A-Z]{3}\.[0-9A-Z]{2}\.[0-9A-Z]{2}\.[0-9A-Z]{3,4}-\d{6}-\d{4,}$")


def format_dossier_code(
    agency_identity: str, day: dt.date, seq: int, fmt: str | None = None
) -> str:
    return (fmt or DEFAULT_FORMAT).format(agency=agency_identity, date=day, seq=seq)
