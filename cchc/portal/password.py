"""A forgotten password: the person gives the e-mail or phone of their account and gets a
one-time link to set a new one, by e-mail or by SMS.

- The answer is the same whether or not an account matches, so the page tells nobody which
  addresses have accounts.
- At most one link per account every RESEND_SECONDS (the shared database cache), so the form
  cannot be used to flood someone's phone.
- The link is written by a background job after the request's transaction, and its token is
  made when the job runs: no token is ever stored. Django's token generator ties the token to
  the password and the last sign-in, so a link works once and stops working when the
  password changes; it expires after settings.PASSWORD_RESET_TIMEOUT.
- Each request and each new password leaves a row in the portal's audit trail.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.tokens import default_token_generator
from django.core.cache import cache
from django.core.mail import send_mail
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from cchc.accounts.models import User, users_by_contact
from cchc.core.jobs import job
from cchc.portal.models import PortalActivity
from cchc.portal.throttle import client_ip

RESEND_SECONDS = 15 * 60


class ResetRequestForm(forms.Form):
    contact = forms.CharField(
        label=gettext_lazy("E-mail or phone of your account"),
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}),
    )


def _record(action: str, request: HttpRequest | None, user: Any = None, **data: Any) -> None:
    PortalActivity.objects.create(
        actor=user,
        actor_label=user.display_name if user is not None else "-",
        action=action,
        data={"ip": client_ip(request) if request is not None else "", **data},
    )


@require_http_methods(["GET", "POST"])
def request_reset(request: HttpRequest) -> HttpResponse:
    form = ResetRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        contact = form.cleaned_data["contact"].strip()
        channel = "email" if "@" in contact else "sms"
        for user in users_by_contact(contact).filter(is_active=True):
            if not user.has_usable_password():
                continue
            if cache.add(f"portal:password-reset:{user.pk}", 1, RESEND_SECONDS):
                send_reset_link.enqueue(user.pk, channel)
                _record("password_reset_requested", request, user, channel=channel)
        return redirect("portal:password_reset_sent")
    return render(request, "portal/password_reset.html", {"form": form})


def reset_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/password_reset_sent.html")


def reset_link(user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    path = reverse("portal:password_reset_confirm", kwargs={"uidb64": uid, "token": token})
    return settings.SITE_URL.rstrip("/") + path


@job(max_attempts=4)
def send_reset_link(user_id: int, channel: str) -> None:
    """Send the link to the account's own address (the one the request matched); a retry
    sends a link again, which does no harm: every link stops working once one is used."""
    from cchc.portal import sms

    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.has_usable_password():
        return
    minutes = settings.PASSWORD_RESET_TIMEOUT // 60
    text = _(
        "CCHC: to set a new password for your account, open %(url)s (valid %(minutes)s "
        "minutes). If you did not ask for it, ignore this message."
    ) % {"url": reset_link(user), "minutes": minutes}
    if channel == "sms" and user.phone:
        sms.send_sms(user.phone, text)
    elif channel == "email" and user.email:
        send_mail(_("Set a new password"), text, None, [user.email])


class ResetConfirm(auth_views.PasswordResetConfirmView):
    """The link's page: a new password, checked by the password rules (settings)."""

    template_name = "portal/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:login")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        _record("password_reset_done", self.request, form.user)
        messages.success(self.request, _("Your password has been changed. Please sign in."))
        return response
