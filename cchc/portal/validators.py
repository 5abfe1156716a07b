"""Checks on what citizens type and upload."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from cchc.core.errors import ValidationFailed
from cchc.core.identifiers import clean_tax_code, normalise_citizen_id
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


# The upload check is shared by every module that takes files (cchc.core.uploads).
