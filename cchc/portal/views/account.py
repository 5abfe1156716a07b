"""Citizens' accounts: sign-up with a one-time code, and "My dossiers" with the messages sent
about them."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cchc.core.errors import DomainError
from cchc.core.rendering import add_domain_error
from cchc.dossiers.models import Dossier, Status
from cchc.portal import services
from cchc.portal.forms import CodeForm, OrganisationSignupForm, SignupForm
from cchc.portal.models import Draft, Notification
from cchc.portal.views.status import awaited_supplements

User = get_user_model()
PAGE_SIZE = 20
SIGNUP_SESSION_KEY = "portal_signup_user"
SIGNUP_DECOY_KEY = "portal_signup_decoy"
# the sign-up page's ?as= for an organisation's account
ORGANISATION = "organisation"


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    """Sign-up as a person (cá nhân) or, with ?as=organisation, as an organisation or business
    (tổ chức, doanh nghiệp): the page offers both, the code step is the same."""
    organisation = request.GET.get("as") == ORGANISATION
    form_class = OrganisationSignupForm if organisation else SignupForm
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if organisation:
                user = services.start_organisation_signup(
                    organisation_name=data["organisation_name"],
                    tax_code=data["tax_code"],
                    full_name=data["full_name"],
                    email=data["email"],
                    phone=data["phone"],
                    password=data["password"],
                )
            else:
                user = services.start_signup(
                    full_name=data["full_name"],
                    email=data["email"],
                    phone=data["phone"],
                    national_id=data["national_id"],
                    password=data["password"],
                )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            if user is None:  # already registered: answered like a new sign-up
                request.session.pop(SIGNUP_SESSION_KEY, None)
                request.session[SIGNUP_DECOY_KEY] = {
                    "destination": _mask(data["email"] or data["phone"]),
                    "attempts": 0,
                }
            else:
                request.session.pop(SIGNUP_DECOY_KEY, None)
                request.session[SIGNUP_SESSION_KEY] = user.pk
            return redirect("portal:verify")
    return render(
        request,
        "portal/signup.html",
        {"form": form, "organisation": organisation, "ORGANISATION": ORGANISATION},
    )


def _decoy_verify(request: HttpRequest, decoy: dict[str, Any]) -> HttpResponse:
    """The verify step of a sign-up whose address or ID already has an account: it looks and
    answers like the real one (codes are "wrong", then "too many"), and creates nothing."""
    form = CodeForm(request.POST or None)
    if request.method == "POST" and request.POST.get("resend"):
        messages.success(request, _("A new code has been sent."))
        return redirect("portal:verify")
    if request.method == "POST" and form.is_valid():
        decoy["attempts"] = int(decoy.get("attempts", 0)) + 1
        request.session[SIGNUP_DECOY_KEY] = decoy
        left = services.CODE_MAX_ATTEMPTS - decoy["attempts"]
        form.add_error(
            "code",
            _("Wrong code. %(left)s attempt(s) left.") % {"left": left}
            if left > 0
            else _("Too many wrong codes. Please ask for a new one."),
        )
    return render(
        request, "portal/verify.html", {"form": form, "destination": decoy["destination"]}
    )


@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    decoy = request.session.get(SIGNUP_DECOY_KEY)
    if decoy and not request.session.get(SIGNUP_SESSION_KEY):
        return _decoy_verify(request, decoy)
    user = User.objects.filter(pk=request.session.get(SIGNUP_SESSION_KEY), is_active=False).first()
    if user is None:
        messages.info(request, _("Please create your account first."))
        return redirect("portal:signup")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and request.POST.get("resend"):
        try:
            services.send_code(user=user)
            messages.success(request, _("A new code has been sent."))
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect("portal:verify")
    if request.method == "POST" and form.is_valid():
        try:
            user = services.verify_code(user=user, code=form.cleaned_data["code"])
        except DomainError as exc:
            form.add_error("code", exc.message)
        else:
            request.session.pop(SIGNUP_SESSION_KEY, None)
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Your account is ready."))
            return redirect("portal:my_dossiers")
    destination = user.email or user.phone
    return render(request, "portal/verify.html", {"form": form, "destination": _mask(destination)})


def _mask(destination: str) -> str:
    if "@" in destination:
        name, domain = destination.split("@", 1)
        return f"{name[:2]}***@{domain}"
    return f"******{destination[-4:]}"


@login_required
def my_dossiers(request: HttpRequest) -> HttpResponse:
    dossiers = (
        Dossier.objects.filter(applicant=request.user)
        .select_related("procedure")
        .order_by("-submitted_at")
    )
    page = Paginator(dossiers, PAGE_SIZE).get_page(request.GET.get("page"))
    drafts = Draft.objects.of(request.user).open().select_related("procedure")
    # paused for a supplement: since when and what is awaited, not an appointment
    page.object_list = list(page.object_list)
    paused = awaited_supplements(page.object_list)
    for dossier in page.object_list:
        dossier.awaited_supplement = paused.get(dossier.pk)
    return render(
        request,
        "portal/my_dossiers.html",
        {
            "page": page,
            "drafts": drafts,
            # the dossiers where the agency waits for the citizen: said in the list, not
            # only on each dossier's page
            "waiting_for_me": set(dossiers.waiting_supplement().values_list("pk", flat=True)),
            # returned and not yet rated: the invitation to rate is said in the list too
            "to_rate": set(
                dossiers.filter(status=Status.RETURNED, evaluation__isnull=True).values_list(
                    "pk", flat=True
                )
            ),
            "notifications": notifications_of(request.user),
        },
    )


MY_NOTIFICATIONS = 10


def notifications_of(user: Any) -> list[Notification]:
    """The latest messages sent about the citizen's own dossiers, so an e-mail in spam or an
    SMS on a lost phone can still be read. One row per message: the same text went by e-mail
    and by SMS (cchc/portal/notifications.py queues it once per channel)."""
    rows = (
        Notification.objects.filter(dossier__applicant=user)
        .select_related("dossier")
        .order_by("-created_at", "-pk")[: MY_NOTIFICATIONS * 2]
    )
    seen: set[tuple[int | None, str, str]] = set()
    shown: list[Notification] = []
    for row in rows:
        key = (row.dossier_id, row.subject, row.body)
        if key not in seen:
            seen.add(key)
            shown.append(row)
    return shown[:MY_NOTIFICATIONS]
