"""Who a procedure is for, read from the catalogue's "applicants" (đối tượng thực hiện), and
what the portal says to an account the procedure is not meant for.

The catalogue keeps the applicants as the published text ("Cá nhân, tổ chức", "Công dân Việt
Nam", "Doanh nghiệp; Hợp tác xã" — the national database's wording), not as codes, so the
portal reads the words: a text that names no organisation is for individuals only, one that
names no person is for organisations only. An empty text says nothing (nobody is told).
The account is told, never stopped: the words can miss a case, and the receiving agency
decides at reception.
"""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext as _

from cchc.core.text import fold

# the published words, folded (no accents, lower case), that name each kind of applicant
ORGANISATION_WORDS = (
    "to chuc",
    "doanh nghiep",
    "hop tac xa",
    "cong ty",
    "co quan",
    "don vi",
    "chi nhanh",
    "van phong dai dien",
)
PERSON_WORDS = (
    "ca nhan",
    "cong dan",
    "nguoi",
    "ho gia dinh",
    "ho kinh doanh",
    "can bo",
    "cong chuc",
    "vien chuc",
)


def _names(text: str, words: tuple[str, ...]) -> bool:
    return any(re.search(rf"\b{word}\b", text) for word in words)


def for_individuals_only(procedure: Any) -> bool:
    text = fold(procedure.applicant_types or "")
    return bool(text.strip()) and not _names(text, ORGANISATION_WORDS)


def for_organisations_only(procedure: Any) -> bool:
    text = fold(procedure.applicant_types or "")
    return bool(text.strip()) and not _names(text, PERSON_WORDS)


def mismatch(procedure: Any, user: Any) -> str:
    """The notice for `user` when `procedure` is not meant for its kind of account, or ""."""
    if not getattr(user, "is_authenticated", False) or user.kind != "CITIZEN":
        return ""
    applicants = procedure.applicant_types.strip()
    if user.is_organisation and for_individuals_only(procedure):
        return _(
            "This procedure is for individuals (applicants: %(applicants)s). You are signed in "
            "as an organisation: a dossier submitted in its name may be refused at reception. "
            "If a person applies, they sign in with their own citizen account."
        ) % {"applicants": applicants}
    if not user.is_organisation and for_organisations_only(procedure):
        return _(
            "This procedure is for organisations and businesses (applicants: %(applicants)s). "
            "You are signed in as an individual: a dossier submitted in your own name may be "
            "refused at reception. An organisation submits through its own account."
        ) % {"applicants": applicants}
    return ""
