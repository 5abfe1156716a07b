"""Counter kiosks: a device an agency registered for citizens' satisfaction ratings.

A counter clerk (or the agency's administrator) registers the browser of the kiosk for
their agency; the browser then holds a signed cookie naming the agency and the person who
registered it. The kiosk rating page accepts a rating only from such a browser, for a
dossier whose result that agency returns, once the citizen at it proved the dossier as on
the public look-up (see "the citizen's proof" below), and never from an inspector's session. The
registration lapses when the person who made it leaves the agency's counter roles or their
account is deactivated, or after KIOSK_MAX_AGE.
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse

from cchc.accounts import permissions
from cchc.accounts.models import Membership, User
from cchc.agencies.models import Agency
from cchc.core.cookies import signed_cookie

KIOSK_COOKIE = "cchc_kiosk"
KIOSK_SALT = "cchc.portal.kiosk"
KIOSK_MAX_AGE = 365 * 24 * 3600
REGISTRAR_ROLES = {Membership.Role.CLERK, Membership.Role.AGENCY_ADMIN}


def agencies_user_may_register(user: Any) -> list[Agency]:
    ids = permissions.agency_ids(user, roles=REGISTRAR_ROLES)
    return list(Agency.objects.filter(pk__in=ids).order_by("name"))


def register(response: HttpResponse, *, agency: Agency, user: Any) -> None:
    value = signing.dumps({"a": agency.pk, "u": user.pk}, salt=KIOSK_SALT, compress=True)
    response.set_cookie(
        KIOSK_COOKIE,
        value,
        max_age=KIOSK_MAX_AGE,
        httponly=True,
        secure=settings.SESSION_COOKIE_SECURE,
        samesite="Strict",
    )


def unregister(response: HttpResponse) -> None:
    response.delete_cookie(KIOSK_COOKIE, samesite="Strict")


def registered_agency(request: HttpRequest) -> tuple[Agency, User] | None:
    """The agency this browser is a kiosk of, and who registered it; None if it is not one."""
    data = signed_cookie(request, KIOSK_COOKIE, salt=KIOSK_SALT, max_age=KIOSK_MAX_AGE)
    if not data:
        return None
    registrar = User.objects.filter(pk=data.get("u"), is_active=True).first()
    agency = Agency.objects.filter(pk=data.get("a")).first()
    if registrar is None or agency is None:
        return None
    if not permissions.has_role(registrar, agency.pk, REGISTRAR_ROLES):
        return None
    return agency, registrar


# -- the citizen's proof at the kiosk --------------------------------------------------------
# A kiosk is one browser shared by every citizen at the counter, so it must not become a way
# to read other people's dossiers (Decree 13/2023 on personal data): the citizen proves the
# dossier as on the public look-up (code + the ID's last 4 digits or the phone number, the
# same throttles), and the proof opens that one dossier's rating page for a few minutes. It is
# not added to the session's look-ups (the next citizen would find it there) and is forgotten
# when the rating is sent or the kiosk's home page is shown again.
KIOSK_PROOF_KEY = "portal_kiosk_proof"
KIOSK_PROOF_SECONDS = 10 * 60


def remember_proof(request: HttpRequest, *, agency: Agency, code: str) -> None:
    request.session[KIOSK_PROOF_KEY] = {"a": agency.pk, "c": code, "t": time.time()}


def forget_proof(request: HttpRequest) -> None:
    request.session.pop(KIOSK_PROOF_KEY, None)


def is_proven(request: HttpRequest, *, agency: Agency, code: str) -> bool:
    """The citizen at this kiosk proved `code` in the last KIOSK_PROOF_SECONDS."""
    proof = request.session.get(KIOSK_PROOF_KEY) or {}
    return (
        proof.get("a") == agency.pk
        and proof.get("c") == code
        and time.time() - float(proof.get("t") or 0) < KIOSK_PROOF_SECONDS
    )
