"""Checks on what citizens type and upload."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from cchc.core.errors import ValidationFailed
from cchc.core.identifiers import normalise_citizen_id
from cchc.core.personal import (
    normalise_phone,  # one rule, kept in core: the keyed phone hash uses it
)
from cchc.core.uploads import SIGNATURES, check_upload, sniff

__all__ = [
    "SIGNATURES",
    "check_upload",
    "clean_citizen_id",
    "clean_phone",
    "clean_tax_code",
    "normalise_phone",
    "sniff",
]

_CCCD = re.compile(r"^\d{12}$")
_PHONE = re.compile(r"^0\d{9}$")
_TAX_CODE = re.compile(r"^(\d{10})(?:-(\d{3}))?$")
# The check digit of a 10-digit tax code (mã số thuế): the first nine digits weighted
# 31, 29, 23, 19, 17, 13, 7, 5, 3, the tenth is 10 minus their sum modulo 11 (a sum whose
# remainder is 0 gives no digit: no code has it). The rule of the General Department of
# Taxation's numbering, as python-stdnum (`stdnum.vn.mst`) and vn-ident implement it; the
# worked example vn-ident quotes from the tax circular: 010004751 -> 6. Read from those
# public sources, not from the circular itself.
_TAX_WEIGHTS = (31, 29, 23, 19, 17, 13, 7, 5, 3)


def clean_citizen_id(raw: str) -> str:
    """A 12-digit citizen ID (căn cước / CCCD), structure per Circular 59/2021/TT-BCA:
    3 digits: province of birth (001-096); 1 digit: century and gender (0-9);
    2 digits: year of birth; 6 random digits. Only the structure can be checked offline."""
    number = normalise_citizen_id(raw)
    if not _CCCD.match(number):
        raise ValidationFailed(
            _("The citizen ID number must have exactly 12 digits."), field="national_id"
        )
    province = int(number[:3])
    if not 1 <= province <= 96:
        raise ValidationFailed(
            _(
                "The first three digits of the citizen ID (province of birth) must be between 001 and 096."
            ),
            field="national_id",
        )
    return number


def clean_phone(raw: str) -> str:
    """A Vietnamese mobile number, 10 digits starting with 0 (+84 accepted)."""
    phone = re.sub(r"[\s.-]", "", raw or "")
    if phone.startswith("+84"):
        phone = "0" + phone[3:]
    elif phone.startswith("84") and len(phone) == 11:
        phone = "0" + phone[2:]
    if not _PHONE.match(phone):
        raise ValidationFailed(
            _("Please enter a 10-digit mobile number starting with 0."), field="phone"
        )
    return phone


def tax_check_digit(first9: str) -> int | None:
    """The tenth digit of a tax code from its first nine (None: no code starts so)."""
    check = 10 - sum(int(d) * w for d, w in zip(first9, _TAX_WEIGHTS, strict=True)) % 11
    return check if check < 10 else None


def clean_tax_code(raw: str) -> str:
    """An organisation's tax code (mã số doanh nghiệp / mã số thuế): 10 digits, or 10 digits,
    a dash and 3 for a branch (đơn vị phụ thuộc). Spaces and dots are ignored; a branch typed
    as 13 digits gets its dash. The format and the check digit are checked offline; whether
    the code is registered only the tax office knows."""
    code = re.sub(r"[\s.]", "", raw or "")
    if re.fullmatch(r"\d{13}", code):
        code = f"{code[:10]}-{code[10:]}"
    match = _TAX_CODE.match(code)
    if not match:
        raise ValidationFailed(
            _(
                "The tax code has 10 digits, or 10 digits, a dash and 3 digits for a branch "
                "(e.g. 0100233488 or 0100233488-001)."
            ),
            field="tax_code",
        )
    main, branch = match.groups()
    if main[2:9] == "0000000" or branch == "000" or tax_check_digit(main[:9]) != int(main[9]):
        raise ValidationFailed(
            _("This tax code is not valid: please check its digits."), field="tax_code"
        )
    return code


# The upload check is shared by every module that takes files (cchc.core.uploads).
