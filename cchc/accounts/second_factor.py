"""Second factor (TOTP, django-otp): who must use it, who may, and the device of a user."""

from __future__ import annotations

from typing import Any

from django_otp.plugins.otp_totp.models import TOTPDevice

PENDING_SESSION_KEY = "cchc_otp_pending"
PENDING_MAX_ATTEMPTS = 5


def required_for(user: Any) -> bool:
    """Administrators of the platform (Django admin access) cannot work without it."""
    return bool(user.is_authenticated and (user.is_superuser or user.is_staff))


def offered_to(user: Any) -> bool:
    """Every account that is not a citizen's may turn it on (staff, province, inspectors)."""
    return bool(user.is_authenticated and (required_for(user) or user.kind != "CITIZEN"))


def confirmed_device(user: Any) -> TOTPDevice | None:
    if not getattr(user, "pk", None):
        return None
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("-pk").first()
