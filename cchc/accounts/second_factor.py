"""Second factor (TOTP, django-otp): who must use it, who may, and the device of a user."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

PENDING_SESSION_KEY = "cchc_otp_pending"
PENDING_MAX_ATTEMPTS = 5
# set by the sign-in of an account that must enrol (required_at_sign_in, no device yet): the
# session reaches nothing but the enrolment page until a device is confirmed
ENROL_SESSION_KEY = "cchc_otp_enrol"


def required_for(user: Any) -> bool:
    """Administrators of the platform (Django admin access) cannot work without it: every
    session of theirs is held to it, however it was opened (cchc.accounts.middleware)."""
    return bool(user.is_authenticated and (user.is_superuser or user.is_staff))


def required_at_sign_in(user: Any) -> bool:
    """Every administrator signs in in two steps (README, docs/security.md): the platform's,
    and those who open staff accounts and grant roles, a province's Home Affairs
    (PROVINCE_ADMIN) and an agency's administrator (Membership.Role.AGENCY_ADMIN). A password
    alone would let whoever learnt it create accounts and hand out roles. Held at the sign-in
    form (cchc.accounts.views.SignInView): the code when the account has a device, the
    enrolment before anything else when it has none."""
    from cchc.accounts import permissions
    from cchc.accounts.models import Membership, User

    if not getattr(user, "is_authenticated", False):
        return False
    return bool(
        required_for(user)
        or user.kind == User.Kind.PROVINCE_ADMIN
        or permissions.agency_ids(user, roles=[Membership.Role.AGENCY_ADMIN])
    )


def offered_to(user: Any) -> bool:
    """Every account that is not a citizen's may turn it on (staff, province, inspectors)."""
    return bool(user.is_authenticated and (required_for(user) or user.kind != "CITIZEN"))


def held_to_it(user: Any, session: Any) -> bool:
    """Whether this session may do nothing before passing the second step: a platform
    administrator's always, an account required_at_sign_in's when its sign-in said so."""
    if user is None or not user.is_authenticated or user.is_verified():
        return False
    return required_for(user) or bool(session.get(ENROL_SESSION_KEY))


def confirmed_device(user: Any) -> TOTPDevice | None:
    if not getattr(user, "pk", None):
        return None
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("-pk").first()


# -- writes (views call these; they never write models themselves) ---------------------------
def pending_device(user: Any) -> TOTPDevice:
    """The unconfirmed device being enrolled, created on first call: its key is what the QR
    code shows until the user confirms it with a code."""
    with transaction.atomic():
        device = (
            TOTPDevice.objects.select_for_update()
            .filter(user=user, confirmed=False)
            .order_by("-pk")
            .first()
        )
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="totp", confirmed=False)
        return device


def confirm_device(user: Any, device: TOTPDevice, token: str) -> bool:
    """Confirm `device` with a code from the app: on success it replaces any earlier device
    of the user (one second factor per account). False (nothing changed) on a wrong code."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=user)
        if not device.verify_token(token.strip()):
            return False
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        return True


# -- a recent check before the changes that guard the account ---------------------------------
# Signing in checks the password (and the code of an account with a device); a session left
# open for hours is not that check. Turning the second factor off or replacing it, changing
# the password and managing staff accounts ask for it again when the last one is older than
# settings.CCHC_RECHECK_MINUTES (config/settings.py): the code for an account with a device,
# the password for one without.
CHECKED_AT_SESSION_KEY = "cchc_checked_at"
RECHECK_MAX_ATTEMPTS = 5
DEFAULT_RECHECK_MINUTES = 15


def recheck_seconds() -> int:
    from django.conf import settings

    return int(getattr(settings, "CCHC_RECHECK_MINUTES", DEFAULT_RECHECK_MINUTES)) * 60


def mark_checked(session: Any) -> None:
    """The session's owner has just proved it is them (sign-in, a code, the password)."""
    import time

    session[CHECKED_AT_SESSION_KEY] = int(time.time())


def recently_checked(session: Any) -> bool:
    import time

    checked_at = session.get(CHECKED_AT_SESSION_KEY)
    if not isinstance(checked_at, int):
        return False
    return 0 <= time.time() - checked_at <= recheck_seconds()


def remove_device(user: Any) -> bool:
    """Turn two-step sign-in off for `user` (every device of theirs, confirmed or not); False
    when the account must keep it (required_at_sign_in): it may only replace its device."""
    if required_at_sign_in(user):
        return False
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
    return True
