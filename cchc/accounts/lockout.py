"""Sign-in throttle on top of django-axes, and its audit trail.

Every password check goes through Django's `authenticate()`, so the axes backend counts
the failures of every login form (the staff/citizen sign-in and the admin site, which
signs in through the same page). Three counts, over the last `LOGIN_COOLOFF_MINUTES`:

* the pair (account, client address): `AXES_FAILURE_LIMIT` failures lock that pair only,
  so colleagues behind the same office address keep signing in;
* the account from any address: `LOGIN_ACCOUNT_FAILURE_LIMIT` (a distributed guess);
* the address for any account: `LOGIN_ADDRESS_FAILURE_LIMIT` (password spraying).

The last two do not apply to a browser that shows the signed device cookie of an earlier
successful sign-in to the same account (OWASP "device cookies"): an attacker can then slow
down strangers, not lock the real user or a whole office out.

Failed sign-ins and lock-outs are written to the portal audit trail (PortalActivity).

What axes stores as the user name (its `AccessAttempt`, `AccessLog`, `AccessFailureLog` rows)
is never the name typed at sign-in, which for a citizen is an e-mail or a phone number: it is
a keyed hash of it (`AXES_USERNAME_CALLABLE` = `axes_username`, and the handler's sign-in and
sign-out records), so the per-account counts still work — equal names give equal hashes — and
the tables hold no contact detail (docs/security.md §6, Decree 13/2023).
"""

from __future__ import annotations

import logging
import re
from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core import signing
from django.db.models import Sum
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from cchc.core.cookies import signed_cookie

log = logging.getLogger("cchc.accounts")

DEVICE_COOKIE = "cchc_device"
DEVICE_SALT = "cchc.accounts.device-cookie"
DEVICE_MAX_AGE = 180 * 24 * 3600


def _username(credentials: dict | None, request: HttpRequest | None = None) -> str:
    value = (credentials or {}).get("username")
    if value is None and request is not None:
        value = request.POST.get("username", "")
    return str(value or "").strip()[:150]


# Marks a value as already hashed, so hashing is idempotent (axes hands the stored name back
# through its own calls: the sign-in record passes the hashed name as credentials).
HASH_PREFIX = "h1:"


def hash_typed_username(typed: str) -> str:
    """The keyed hash axes stores for a typed user name: an e-mail and a phone number as
    their account look-up hash (`cchc.core.personal.lookup_hash`, so "+84 912…" and
    "0912…" count as one account, and an attempt can be matched to `User.email_hash` /
    `phone_hash`), any other name lower-cased under its own HMAC domain. "" for nothing."""
    import hashlib
    import hmac

    from cchc.core.personal import lookup_hash, lookup_key, normalise_phone

    typed = (typed or "").strip()
    if not typed:
        return ""
    if typed.startswith(HASH_PREFIX):
        return typed[:255]
    if "@" in typed:
        digest = lookup_hash("email", typed)
    elif normalise_phone(typed) and not re.search(r"[A-Za-z]", typed):
        digest = lookup_hash("phone", typed)
    else:
        message = f"username:{typed.lower()}".encode()
        digest = hmac.new(lookup_key(), message, hashlib.sha256).hexdigest()
    return HASH_PREFIX + digest


def axes_username(request: HttpRequest | None, credentials: dict | None = None) -> str:
    """settings.AXES_USERNAME_CALLABLE: what axes counts and stores instead of the name."""
    return hash_typed_username(_username(credentials, request))


class _HashedName:
    """A user seen by axes' sign-in/sign-out records through its hashed user name."""

    def __init__(self, user: Any) -> None:
        self._name = hash_typed_username(user.get_username())

    def get_username(self) -> str:
        return self._name


def device_cookie_value(username: str) -> str:
    return signing.dumps({"u": username}, salt=DEVICE_SALT, compress=True)


def has_device_cookie(request: HttpRequest | None, username: str) -> bool:
    if request is None or not username:
        return False
    data = signed_cookie(request, DEVICE_COOKIE, salt=DEVICE_SALT, max_age=DEVICE_MAX_AGE)
    if not data.get("u"):
        return False
    if data["u"] == username:
        return True
    # signed in with the e-mail or phone of the account (cchc.accounts.backends): the cookie
    # names the account's user name
    from cchc.accounts.models import users_by_contact

    return users_by_contact(username).filter(username=data["u"]).exists()


def _typed_label(username: str) -> str:
    """What the audit trail keeps of the name typed at sign-in: an e-mail or phone number
    (the sign-in of citizen accounts) only masked, like every log (docs/security.md §6)."""
    from cchc.core.personal import mask_email, mask_phone, normalise_phone

    if "@" in username:
        return mask_email(username)
    if normalise_phone(username):
        return mask_phone(username)
    return username


class CchcAxesHandler(AxesDatabaseHandler):
    """axes' database handler with one limit per kind of count (see the module docstring).

    AXES_LOCKOUT_PARAMETERS is [(username, ip), username, ip]; axes asks `get_failures` and
    compares it with AXES_FAILURE_LIMIT, so the answer is the pair's count, raised to the
    limit when the account-wide or address-wide count has reached its own limit."""

    def get_failures(self, request: Any, credentials: dict | None = None) -> int:
        counts = [
            attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        ]
        pair = counts[0] if counts else 0
        if len(counts) < 3:
            return max(counts, default=0)
        by_account, by_address = counts[1], counts[2]
        if has_device_cookie(request, _username(credentials, request)):
            return pair
        limit = settings.AXES_FAILURE_LIMIT
        if by_account >= settings.LOGIN_ACCOUNT_FAILURE_LIMIT:
            return max(pair, limit)
        if by_address >= settings.LOGIN_ADDRESS_FAILURE_LIMIT:
            return max(pair, limit)
        return pair

    def user_logged_in(self, sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
        # axes records the account's user name in clear (AccessLog) and clears attempts by it
        super().user_logged_in(sender, request, _HashedName(user), **kwargs)

    def user_logged_out(self, sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
        super().user_logged_out(sender, request, _HashedName(user) if user else None, **kwargs)

    def reset_user_attempts(self, request: Any, credentials: dict | None = None) -> int:
        """A successful sign-in clears only its own pair (account, address). axes would also
        clear every failure from the address and of the account: an attacker signing in to
        an account of their own between guesses would then never reach the address limit."""
        attempts = self.filter_user_attempts(request, credentials)
        if not attempts:
            return 0
        count, _ = attempts[0].delete()
        return count


def client_address(request: HttpRequest) -> str | None:
    """The client address for axes (AXES_CLIENT_IP_CALLABLE): the portal throttles' own
    (X-Real-IP only behind a trusted proxy), or None when it is not an IP address (axes
    stores it in an inet column)."""
    import ipaddress

    from cchc.portal.throttle import client_ip

    value = client_ip(request)
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def lockout_response(
    request: HttpRequest, original_response: Any = None, credentials: dict | None = None
) -> HttpResponse:
    return render(
        request,
        "accounts/locked_out.html",
        {"minutes": settings.AXES_COOLOFF_MINUTES},
        status=429,
    )


def _audit(action: str, request: HttpRequest | None, username: str, **data: Any) -> None:
    from cchc.portal.models import PortalActivity
    from cchc.portal.throttle import client_ip

    PortalActivity.objects.create(
        actor=None,
        actor_label=_typed_label(username)[:200] or "-",
        action=action,
        data={"ip": client_ip(request) if request is not None else "", **data},
    )


@receiver(user_login_failed)
def _record_failure(sender: Any, credentials: dict, request: HttpRequest | None = None, **kw: Any):
    _audit(
        "login_failed",
        request,
        _username(credentials, request),
        path=(request.path if request is not None else "")[:200],
    )


@receiver(user_locked_out)
def _record_lockout(sender: Any, request: HttpRequest, username: str, ip_address: str, **kw: Any):
    # `username` is axes' keyed hash: the audit row keeps the typed name, masked (_typed_label)
    typed = _username(None, request) if request is not None else ""
    log.warning("sign-in locked out for %s from %s", (typed or "")[:3] + "***", ip_address)
    _audit("login_locked_out", request, typed, minutes=settings.AXES_COOLOFF_MINUTES)


@receiver(user_logged_in)
def _record_login(sender: Any, request: HttpRequest | None, user: Any, **kw: Any) -> None:
    if request is not None:
        request._cchc_device_user = user.get_username()  # type: ignore[attr-defined]
        # signing in checked the password (and the code, for an account with a device): the
        # changes that guard the account need no new check for a while (second_factor)
        from cchc.accounts.second_factor import mark_checked

        mark_checked(request.session)
