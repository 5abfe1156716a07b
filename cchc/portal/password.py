"""A forgotten password: the person gives the e-mail or phone of their account and gets a
one-time link to set a new one, by e-mail or by SMS.

- The answer is the same whether or not an account matches, so the page tells nobody which
  addresses have accounts.
- At most one link per account every 15 minutes (the shared database cache), so the form
  cannot be used to flood someone's phone.
- The link is written by a background job after the request's transaction
  (cchc/accounts/links.py: its token is made when the job runs, never stored).
- Each request and each new password leaves a row in the portal's audit trail.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from cchc.portal import services
from cchc.portal.throttle import client_ip


class ResetRequestForm(forms.Form):
    contact = forms.CharField(
        label=gettext_lazy("E-mail or phone of your account"),
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}),
    )


@require_http_methods(["GET", "POST"])
def request_reset(request: HttpRequest) -> HttpResponse:
    form = ResetRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.request_password_link(form.cleaned_data["contact"], ip=client_ip(request))
        return redirect("portal:password_reset_sent")
    return render(request, "portal/password_reset.html", {"form": form})


def reset_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/password_reset_sent.html")


class ResetConfirm(auth_views.PasswordResetConfirmView):
    """The link's page: a new password, checked by the password rules (settings)."""

    template_name = "portal/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:login")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        services.record_password_reset(form.user, ip=client_ip(self.request))
        messages.success(self.request, _("Your password has been changed. Please sign in."))
        return response
