"""Holds administrators to their second factor and remembers the browsers that signed in."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from cchc.accounts import second_factor
from cchc.accounts.lockout import DEVICE_COOKIE, DEVICE_MAX_AGE, device_cookie_value

# the sign-in steps, enrolment and sign-out; not the account page or the password change,
# which an administrator reaches only past the second factor
OPEN_PREFIXES = (
    "/accounts/login/",
    "/accounts/two-step/",
    "/accounts/logout/",
    "/static/",
    "/i18n/",
    "/jsi18n/",
)


class SecondFactorMiddleware:
    """A signed-in administrator (is_staff/superuser, or a province or agency administrator
    who signed in through the form: second_factor.held_to_it) whose session has not passed a
    TOTP check reaches nothing but the sign-in, enrolment and sign-out pages: without a
    device they are sent to enrol, with one (a session opened some other way) back to sign
    in."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user: Any = getattr(request, "user", None)
        # Only a session signs a person in here (an API token's user is known later, to the
        # API's own check): a request with no session cookie has nobody to hold, and is not
        # made to load its (anonymous) user to find that out.
        session = getattr(request, "session", None)
        if (
            session is not None
            and session.session_key is not None
            and not request.path.startswith(OPEN_PREFIXES)
            and second_factor.held_to_it(user, session)
        ):
            if request.path.startswith(("/api/", "/open311/")):
                return JsonResponse(
                    {"detail": _("Two-step sign-in is required for this account.")}, status=403
                )
            if second_factor.confirmed_device(user) is None:
                return redirect("accounts:otp_setup")
            logout(request)
            return redirect_to_login(request.get_full_path())
        response = self.get_response(request)
        username = getattr(request, "_cchc_device_user", None)
        if username:
            response.set_cookie(
                DEVICE_COOKIE,
                device_cookie_value(username),
                max_age=DEVICE_MAX_AGE,
                httponly=True,
                secure=settings.SESSION_COOKIE_SECURE,
                samesite="Lax",
            )
        return response
