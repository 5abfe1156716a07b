"""Where a citizen lands after signing in: their dossiers ("Hồ sơ của tôi"), or the page they
were going to (the sign-in form's `next`, which the sign-in view follows), never the bare
home page that the project-wide LOGIN_REDIRECT_URL names for staff (their work cards)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from cchc.accounts.models import User

# set by the sign-in of a citizen who was going nowhere in particular; read once, by the home
# page the sign-in view sends them to (settings.LOGIN_REDIRECT_URL)
LANDING_SESSION_KEY = "portal_land_on_my_dossiers"


def _is_citizen(user: Any) -> bool:
    """A person's or an organisation's account (staff land on their work cards)."""
    return getattr(user, "kind", None) == User.Kind.CITIZEN and not user.is_superuser


def on_signed_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """`user_logged_in`: a citizen who signed in with the sign-in form and no `next` is
    marked to land on their dossiers (with a `next`, the sign-in view takes them there)."""
    if request is None or not _is_citizen(user):
        return
    match = getattr(request, "resolver_match", None)
    if match is None or match.view_name != "accounts:login":
        return
    if request.POST.get("next") or request.GET.get("next"):
        return
    request.session[LANDING_SESSION_KEY] = True


def after_sign_in(request: HttpRequest) -> HttpResponse | None:
    """The home page's first step: a citizen just signed in (and marked so) is taken to their
    dossiers; the mark is used once, so the home page stays reachable afterwards."""
    if not request.session.pop(LANDING_SESSION_KEY, False):
        return None
    if not request.user.is_authenticated or not _is_citizen(request.user):
        return None
    return redirect("portal:my_dossiers")
