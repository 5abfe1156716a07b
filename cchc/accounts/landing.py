"""Where a sign-in lands: the page its `next` asked for when the account may open it, else the
account's own home with a word on why.

Whether an account may open a page is the page's own rule (every view checks its own
permission), so it is not guessed here from a copy of those rules: the sign-in remembers the
page it sends the browser to (remember), and the first answer of that page, when it refuses
the account (403), is turned into the account's home and a message (LandingMiddleware,
inside Django's messages middleware). Only pages on this site get that far: the sign-in keeps Django's
safe-URL check (url_has_allowed_host_and_scheme) before anything is remembered."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, resolve_url
from django.urls import reverse
from django.utils.translation import gettext as _

# the path a sign-in has just sent the browser to (its `next`)
NEXT_SESSION_KEY = "cchc_signed_in_to"


def is_citizen(user: Any) -> bool:
    """A person's or an organisation's account (the public side), not staff's."""
    return bool(user.kind == "CITIZEN" and not user.is_superuser)


def home_for(user: Any) -> str:
    """A person's or an organisation's account lands on its dossiers ("Hồ sơ của tôi"),
    staff on the home page with their work cards (settings.LOGIN_REDIRECT_URL)."""
    if is_citizen(user):
        return reverse("portal:my_dossiers")
    return str(resolve_url(settings.LOGIN_REDIRECT_URL))


def remember(session: Any, target: str) -> None:
    """The sign-in sends the browser to `target` (already checked safe): its first answer
    decides whether the account may open it."""
    # as the request will name it: Django decodes the path (`request.path`), so a link that
    # writes a letter as %xx is still the page it asked for
    session[NEXT_SESSION_KEY] = unquote(urlsplit(target).path)


def bounce(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """The answer to the page a sign-in has just sent the browser to: unchanged when the
    account may open it; its own home with a message when the page refused it (403)."""
    session = getattr(request, "session", None)
    # a request without a session cookie has not just signed in (and its session stays
    # untouched: no Vary: Cookie on public pages)
    if session is None or session.session_key is None:
        return response
    if session.get(NEXT_SESSION_KEY) != request.path:
        return response
    session.pop(NEXT_SESSION_KEY, None)
    user: Any = getattr(request, "user", None)
    if response.status_code != 403 or user is None or not user.is_authenticated:
        return response
    home = home_for(user)
    if urlsplit(home).path == request.path:
        return response
    if is_citizen(user):
        text = _(
            "The page you opened is for the staff of the agencies, so your account cannot "
            "open it. Here are your own dossiers; to follow one, open it below."
        )
    else:
        text = _(
            "Your account may not open the page you asked for, so you are on your work page "
            "instead. If your work needs that page, ask your agency's administrator."
        )
    messages.warning(request, text)
    return redirect(home)


class LandingMiddleware:
    """Sends the first answer after a sign-in through `bounce`. Listed after Django's
    messages middleware, so the message goes with the redirect the ordinary way."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return bounce(request, self.get_response(request))
