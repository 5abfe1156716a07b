"""Sign-in in two steps (password, then a TOTP code when the account has a device) and the
enrolment of a TOTP device. The password step is throttled by django-axes
(cchc.accounts.lockout); the code step by django-otp's own back-off and a per-session cap."""

from __future__ import annotations

import functools
import io
from typing import Any

import qrcode
import qrcode.image.svg
from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model, login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm, UsernameField
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login

from cchc.accounts import contact_changes, landing, second_factor, services
from cchc.accounts.forms import ContactsForm
from cchc.accounts.lockout import _audit
from cchc.core.errors import DomainError
from cchc.core.rendering import add_domain_error

User = get_user_model()


class TokenForm(forms.Form):
    # drawn by the project's field template (label, error tied to the input, aria-invalid) on
    # every page that asks for a code: sign-in, enrolment, "confirm it is you"
    token = forms.RegexField(
        label=gettext_lazy("Code from the authenticator app"),
        regex=r"^\s*\d{6}\s*$",
        max_length=8,
        error_messages={"invalid": gettext_lazy("Enter the 6-digit code.")},
        widget=forms.TextInput(
            attrs={
                "inputmode": "numeric",
                "autocomplete": "one-time-code",
                "pattern": "[0-9 ]{6,8}",
                "autofocus": True,
            }
        ),
    )


class PasswordCheckForm(forms.Form):
    password = forms.CharField(
        label=gettext_lazy("Your password"),
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "current-password"}),
    )


def recent_check_required(view: Any) -> Any:
    """The view (and its POST) only for a session whose owner proved it is them within
    settings.CCHC_RECHECK_MINUTES (second_factor.recently_checked); otherwise the page that
    asks for the code (or the password) first, and then back here."""

    @functools.wraps(view)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated and not second_factor.recently_checked(request.session):
            back = request.get_full_path() if request.method == "GET" else ""
            back = back or request.headers.get("referer", "") or reverse("accounts:me")
            if request.method != "GET":
                messages.info(request, _("Nothing was changed: confirm it is you, then try again."))
            return redirect(f"{reverse('accounts:recheck')}?{urlencode({'next': back})}")
        return view(request, *args, **kwargs)

    return guarded


def _wrong_code(allowed: bool) -> str:
    """What a refused authenticator code is told: wrong or expired, or too many tried (the
    device's throttle: `allowed` False)."""
    if allowed:
        return _("Wrong or expired code.")
    return _("Too many wrong codes. Please wait a minute and try again.")


@login_required
@require_http_methods(["GET", "POST"])
def recheck(request: HttpRequest) -> HttpResponse:
    """ "Confirm it is you": a fresh code from the authenticator app, or the password of an
    account without one, before a change that guards the account (recent_check_required).
    The code goes through django-otp's own back-off; both through a per-session cap, past
    which the session is signed out."""
    user: Any = request.user
    target = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("accounts:me")
    device = second_factor.confirmed_device(user)
    form: forms.Form = (
        TokenForm(request.POST or None) if device else PasswordCheckForm(request.POST or None)
    )
    if request.method == "POST" and form.is_valid():
        if device is not None:
            allowed, _info = device.verify_is_allowed()
            passed = allowed and device.verify_token(form.cleaned_data["token"].strip())
        else:
            allowed, passed = True, user.check_password(form.cleaned_data["password"])
        if passed:
            request.session.pop(RECHECK_ATTEMPTS_KEY, None)
            second_factor.mark_checked(request.session)
            if device is not None:
                otp_login(request, device)
            _audit("recheck_passed", request, user.get_username())
            return redirect(target)
        attempts = int(request.session.get(RECHECK_ATTEMPTS_KEY, 0)) + 1
        request.session[RECHECK_ATTEMPTS_KEY] = attempts
        _audit("recheck_failed", request, user.get_username(), attempts=attempts)
        if attempts >= second_factor.RECHECK_MAX_ATTEMPTS:
            logout(request)
            messages.error(request, _("Too many wrong attempts. Please sign in again."))
            return redirect_to_login(target)
        if device is None:
            form.add_error("password", _("The password is wrong."))
        else:
            form.add_error("token", _wrong_code(allowed))
    return render(
        request,
        "accounts/recheck.html",
        {
            "form": form,
            "with_code": device is not None,
            "next": target,
            "minutes": second_factor.recheck_seconds() // 60,
        },
        status=400 if request.method == "POST" else 200,
    )


RECHECK_ATTEMPTS_KEY = "cchc_recheck_attempts"


class SignInForm(AuthenticationForm):
    # citizens sign in with the e-mail or phone of their account (cchc.accounts.backends):
    # their user name is derived from a keyed hash and means nothing to them
    username = UsernameField(
        label=gettext_lazy("User name, e-mail or phone"),
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )


class SignInView(auth_views.LoginView):
    template_name = "accounts/login.html"
    form_class = SignInForm

    def form_valid(self, form: Any) -> HttpResponse:
        user = form.get_user()
        self.signing_in = user  # where the sign-in lands depends on whose it is
        if second_factor.confirmed_device(user) is None:
            response = super().form_valid(form)  # login() rotates the session key
            if self.get_redirect_url():  # a `next` on this site (Django's safe-URL check)
                landing.remember(self.request.session, self.get_redirect_url())
            if second_factor.required_at_sign_in(user):
                # an administrator without a device: signed in, but held to the enrolment
                # page (middleware) until a device is confirmed
                self.request.session[second_factor.ENROL_SESSION_KEY] = True
                return redirect("accounts:otp_setup")
            return response
        # Password right: the session (new key, nobody signed in yet) waits for the code.
        self.request.session.cycle_key()
        self.request.session[second_factor.PENDING_SESSION_KEY] = {
            "uid": user.pk,
            "backend": getattr(user, "backend", "django.contrib.auth.backends.ModelBackend"),
            "next": self.get_success_url(),
            "attempts": 0,
        }
        return redirect("accounts:otp_verify")

    def form_invalid(self, form: Any) -> HttpResponse:
        # the name typed stays in its field: the cursor goes to the password, to type it again
        if form.data.get("username"):
            form.fields["username"].widget.attrs.pop("autofocus", None)
            form.fields["password"].widget.attrs["autofocus"] = True
        return super().form_invalid(form)

    def get_default_redirect_url(self) -> str:
        """Where a sign-in with no `next` lands: the account's own home (landing.home_for)."""
        user = getattr(self, "signing_in", None)
        if user is not None:
            return landing.home_for(user)
        return str(super().get_default_redirect_url())


@require_http_methods(["GET", "POST"])
def otp_verify(request: HttpRequest) -> HttpResponse:
    pending = request.session.get(second_factor.PENDING_SESSION_KEY)
    user = User.objects.filter(pk=(pending or {}).get("uid"), is_active=True).first()
    device = second_factor.confirmed_device(user) if user else None
    if pending is None or user is None or device is None:
        request.session.pop(second_factor.PENDING_SESSION_KEY, None)
        return redirect("accounts:login")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        allowed, _info = device.verify_is_allowed()
        if allowed and device.verify_token(form.cleaned_data["token"].strip()):
            request.session.pop(second_factor.PENDING_SESSION_KEY, None)
            login(request, user, backend=pending["backend"])
            otp_login(request, device)
            target = pending.get("next") or ""
            if not url_has_allowed_host_and_scheme(
                target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
            ):
                target = landing.home_for(user)
            landing.remember(request.session, target)
            return redirect(target)
        pending["attempts"] = int(pending.get("attempts", 0)) + 1
        _audit("otp_failed", request, user.get_username(), attempts=pending["attempts"])
        if pending["attempts"] >= second_factor.PENDING_MAX_ATTEMPTS:
            request.session.pop(second_factor.PENDING_SESSION_KEY, None)
            messages.error(request, _("Too many wrong codes. Please sign in again."))
            return redirect("accounts:login")
        request.session[second_factor.PENDING_SESSION_KEY] = pending
        form.add_error("token", _wrong_code(allowed))
    return render(
        request,
        "accounts/otp_verify.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )


def _qr_svg(url: str) -> str:
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    text = buffer.getvalue().decode()
    return text[text.index("<svg") :]


@login_required
@require_http_methods(["GET", "POST"])
def otp_setup(request: HttpRequest) -> HttpResponse:
    """Turn on two-step sign-in: scan the QR code (or type the key), confirm with a code."""
    user: Any = request.user
    if not second_factor.offered_to(user):
        raise Http404
    current = second_factor.confirmed_device(user)
    if current is not None and not user.is_verified():
        # Replacing a device needs the current one first (else a stolen password suffices).
        logout(request)
        return redirect_to_login(request.get_full_path())
    if current is not None and not second_factor.recently_checked(request.session):
        # replacing the device turns the current one off: a session left open is not enough
        return redirect(
            f"{reverse('accounts:recheck')}?{urlencode({'next': request.get_full_path()})}"
        )
    device = second_factor.pending_device(user)
    form = TokenForm(request.POST or None)
    if not form.is_bound:
        # the steps above the field come first (install the app, scan the code)
        form.fields["token"].widget.attrs.pop("autofocus", None)
    if request.method == "POST" and form.is_valid():
        if second_factor.confirm_device(user, device, form.cleaned_data["token"]):
            device.refresh_from_db()
            otp_login(request, device)
            request.session.pop(second_factor.ENROL_SESSION_KEY, None)
            _audit("otp_enrolled", request, user.get_username())
            messages.success(request, _("Two-step sign-in is on for your account."))
            return redirect("home")
        form.add_error("token", _("Wrong or expired code."))
    return render(
        request,
        "accounts/otp_setup.html",
        {
            "form": form,
            "qr": _qr_svg(device.config_url),
            "secret": _base32(device.bin_key),
            "enabled": current is not None,
            "required": second_factor.required_at_sign_in(user),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["POST"])
@recent_check_required
def otp_remove(request: HttpRequest) -> HttpResponse:
    """Turn two-step sign-in off (an account that may work without it), after a fresh code."""
    user: Any = request.user
    if not second_factor.offered_to(user) or second_factor.confirmed_device(user) is None:
        raise Http404
    if not user.is_verified():
        # a session that never passed the code (opened some other way) cannot turn it off
        logout(request)
        return redirect_to_login(reverse("accounts:otp_setup"))
    if not second_factor.remove_device(user):
        messages.error(
            request,
            _("Administrator accounts must keep two-step sign-in: scan a new code to replace it."),
        )
        return redirect("accounts:otp_setup")
    _audit("otp_removed", request, user.get_username())
    messages.success(request, _("Two-step sign-in is off for your account."))
    return redirect("accounts:me")


def _base32(key: bytes) -> str:
    import base64

    text = base64.b32encode(key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


@login_required
def account(request: HttpRequest) -> HttpResponse:
    """The signed-in person's own account: who they are here, their roles, and the links to
    change their password and (staff) to turn on two-step sign-in."""
    user: Any = request.user
    return render(
        request,
        "accounts/account.html",
        {
            "memberships": user.memberships.select_related("agency").order_by("agency__code"),
            "two_step_offered": second_factor.offered_to(user),
            "two_step_on": second_factor.confirmed_device(user) is not None,
            # a new address asked for and not confirmed yet: said here too, with the way back
            "waiting": contact_changes.open_changes(user),
        },
    )


class ContactCodeForm(forms.Form):
    channel = forms.ChoiceField(choices=[("email", "email"), ("phone", "phone")])
    code = forms.RegexField(
        label=gettext_lazy("Code"),
        regex=r"^\s*\d{6}\s*$",
        max_length=8,
        required=False,
        error_messages={"invalid": gettext_lazy("Enter the 6-digit code.")},
    )


@login_required
@require_http_methods(["GET", "POST"])
def contacts(request: HttpRequest) -> HttpResponse:
    """A citizen's or an organisation's own name (an organisation's contact person), e-mail
    and phone, changed with the current password (services.change_own_contacts); a new
    address is confirmed by the code sent to it (contact_changes), on this page too. Staff
    contacts are kept by their administrators (the staff pages)."""
    user: Any = request.user
    if user.kind != User.Kind.CITIZEN:
        raise Http404
    action = request.POST.get("action", "") if request.method == "POST" else ""
    code_form = ContactCodeForm(request.POST if action else None)
    if action in ("confirm", "resend", "cancel") and code_form.is_valid():
        channel = code_form.cleaned_data["channel"]
        try:
            if action == "confirm":
                contact_changes.confirm(
                    actor=user, channel=channel, code=code_form.cleaned_data["code"] or ""
                )
                messages.success(
                    request,
                    _("The new address is confirmed: you sign in with it from now on."),
                )
                return redirect("accounts:me")
            if action == "resend":
                contact_changes.resend(actor=user, channel=channel)
                messages.success(request, _("A new code has been sent."))
            else:
                contact_changes.cancel(actor=user, channel=channel)
                messages.info(request, _("The change was given up: your address stays as it was."))
            return redirect("accounts:contacts")
        except DomainError as exc:
            code_form.add_error("code", exc.message)
    initial = {"full_name": user.full_name, "email": user.email, "phone": user.phone}
    form = ContactsForm(
        request.POST if request.method == "POST" and not action else None,
        initial=initial,
        organisation=user.is_organisation,
    )

    def save(d: dict[str, Any]) -> HttpResponse:
        asked = services.change_own_contacts(
            actor=user,
            full_name=d["full_name"],
            email=d["email"],
            phone=d["phone"],
            password=d["password"],
        )
        if asked:
            messages.success(
                request,
                _(
                    "A code was sent to the new address: enter it below to confirm it. Until "
                    "then you sign in with your current address, and messages go there."
                ),
            )
            return redirect("accounts:contacts")
        messages.success(request, _("Your contact details have been saved."))
        return redirect("accounts:me")

    if request.method == "POST" and not action and form.is_valid():
        try:
            return save(form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
    return render(
        request,
        "accounts/contacts.html",
        {
            "form": form,
            "heading": _("Change my contact details"),
            "waiting": contact_changes.open_changes(user),
            "code_form": code_form,
            "failed_channel": code_form.data.get("channel") if code_form.errors else "",
        },
        # the details form answers as every form page does; a refused code with 400
        status=400 if code_form.errors else 200,
    )


class PasswordChange(auth_views.PasswordChangeView):
    """The current password, then the new one twice (the password rules of settings); the
    session stays signed in, the other sessions of the account are signed out. An account
    with a second factor gives a fresh code first when its last check is not recent (the
    form asks the password anyway, which is the check of an account without one)."""

    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:me")

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if second_factor.confirmed_device(request.user) is not None:
            return recent_check_required(super().dispatch)(request, *args, **kwargs)
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        _audit("password_changed", self.request, self.request.user.get_username())
        messages.success(self.request, _("Your password has been changed."))
        return response


class SignOutView(auth_views.LogoutView):
    """Sign-out (POST), said on the page it lands on: on a shared computer (a library, the
    counter's kiosk) the person sees that the account is closed."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        was_signed_in = request.user.is_authenticated
        response = super().post(request, *args, **kwargs)
        if was_signed_in:
            messages.success(request, _("You have signed out of your account."))
        return response
