"""Dossier codes: `V1V2V3.Z1Z2.Y1Y2.MX1X2-YYMMDD-XXXX` (Circular 01/2018/TT-VPCP art. 19).

The receiving agency's identity code, the receipt date and a 4-digit sequence within that
agency and day, e.g. `000.00.01.H26-260930-0012`. Whether Circular 03/2025 changed it is
unconfirmed, so the layout is the rule version's `dossier_code_format` parameter.

The yearly codes of petitions, complaints, reform tasks and inspections (`PA-2026-000123`)
come from `next_code`; citizen IDs, tax codes and e-mail addresses are cleaned here too.
"""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connection
from django.db.models import BigIntegerField, Max, Model
from django.db.models.functions import Cast, Substr
from django.utils.translation import gettext as _
from stdnum import exceptions as stdnum_errors
from stdnum.vn import mst

from cchc.core.errors import ValidationFailed

DEFAULT_FORMAT = "{agency}-{date:%y%m%d}-{seq:04d}"
CODE_PATTERN = re.compile(r"^[0-9A-Z]{3}\.[0-9A-Z]{2}\.[0-9A-Z]{2}\.[0-9A-Z]{3,4}-\d{6}-\d{4,}$")


def format_dossier_code(
    agency_identity: str, day: dt.date, seq: int, fmt: str | None = None
) -> str:
    return (fmt or DEFAULT_FORMAT).format(agency=agency_identity, date=day, seq=seq)


# Separators people type inside a citizen ID or phone number ("001 099 012 345",
# "001.099.012.345", "0912-345-678"): removed, never counted against the length.
_SEPARATORS = re.compile(r"[\s.\-\u00a0]")
# Longest input a citizen ID field accepts before normalising: 12 digits and a separator
# between each pair of them (a maxlength of 12 cut "001 099 012 345" in the browser).
CITIZEN_ID_INPUT_LENGTH = 24


def normalise_citizen_id(raw: str | None) -> str:
    """The citizen ID as typed, separators removed (the caller checks the 12 digits)."""
    return _SEPARATORS.sub("", raw or "")


def clean_tax_code(raw: str | None) -> str:
    """An organisation's tax code (mã số doanh nghiệp / mã số thuế): 10 digits, or 10 digits,
    a dash and 3 for a branch (đơn vị phụ thuộc), written `0100233488-001`. Spaces, dots and a
    missing dash are forgiven. The format, the check digit and the parts no code has are
    checked offline by python-stdnum (`stdnum.vn.mst`, the General Department of Taxation's
    numbering); whether the code is registered only the tax office knows. Used by online
    sign-up (portal) and counter intake (dossiers)."""
    code = _SEPARATORS.sub("", raw or "")
    if not re.fullmatch(r"\d{10}|\d{13}", code):
        raise ValidationFailed(
            _(
                "The tax code has 10 digits, or 10 digits, a dash and 3 digits for a branch "
                "(e.g. 0100233488 or 0100233488-001)."
            ),
            field="tax_code",
        )
    try:
        return str(mst.format(mst.validate(code)))
    except stdnum_errors.ValidationError:
        raise ValidationFailed(
            _("This tax code is not valid: please check its digits."), field="tax_code"
        ) from None


def clean_email(raw: str | None) -> str:
    """An e-mail address as a person types it, stripped and lower-cased ("" when empty), or
    ValidationFailed on the `email` field: one check for online sign-up (portal) and one's
    own contact details (accounts)."""
    email = (raw or "").strip().lower()
    if email:
        try:
            validate_email(email)
        except ValidationError as exc:
            raise ValidationFailed(
                _("Please enter a valid e-mail address."), field="email"
            ) from exc
    return email


def next_code(prefix: str, year: int, model: type[Model], *, width: int) -> str:
    """Issue `model`'s next code `PREFIX-YYYY-NNNN` (`width` digits at least) with one atomic
    upsert of the year's counter (`core.CodeCounter`), unique under concurrency and never a
    number already issued, even after a deletion: after the highest number of the year, codes
    typed by hand or imported included, so new codes continue the imported numbering instead
    of filling its gaps. The counter row stays locked until the caller commits; a code taken
    since (an import running alongside) is skipped."""
    from cchc.core.models import CodeCounter

    table = CodeCounter._meta.db_table
    highest = _highest_number(prefix, year, model)
    while True:
        with connection.cursor() as cur:
            cur.execute(
                f"INSERT INTO {table} (prefix, year, last) VALUES (%s, %s, %s) "  # noqa: S608 - constant table
                f"ON CONFLICT (prefix, year) DO UPDATE SET last = CASE WHEN {table}.last > %s "
                f"THEN {table}.last ELSE %s END + 1 RETURNING last",
                [prefix, year, highest + 1, highest, highest],
            )
            seq = cur.fetchone()[0]
        code = f"{prefix}-{year}-{seq:0{width}d}"
        if not model._default_manager.filter(code=code).exists():
            return code


def _highest_number(prefix: str, year: int, model: type[Model]) -> int:
    """The highest NNNN among `model`'s codes `PREFIX-YYYY-NNNN` (0 if none); codes in other
    shapes are not numbers of this sequence. Up to 9 digits: the counter's range."""
    start = f"{prefix}-{year}-"
    highest = (
        model._default_manager.filter(
            code__startswith=start, code__regex=rf"^{re.escape(start)}[0-9]{{1,9}}$"
        )
        .annotate(number=Cast(Substr("code", len(start) + 1), BigIntegerField()))
        .aggregate(highest=Max("number"))["highest"]
    )
    return int(highest or 0)
