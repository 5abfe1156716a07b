"""The respondent's form (works on a phone): the personal link of a sampled person
(letter QR code, SMS, e-mail) and the open link or kiosk of a unit, limited per device."""

from __future__ import annotations

import secrets

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from cchc.agencies.models import Agency
from cchc.core.errors import DomainError
from cchc.surveys import collection
from cchc.surveys.forms import parse_answers
from cchc.surveys.models import Campaign, Mode
from cchc.surveys.views._shared import _form_page, _questions

DEVICE_COOKIE = "cchc_survey_device"


def respond(request: HttpRequest, token: str) -> HttpResponse:
    """The personal link of a sampled person (letter QR code, SMS, e-mail)."""
    try:
        person = collection.person_by_token(token)
    except DomainError as exc:
        return render(request, "surveys/message.html", {"message": exc.message}, status=404)
    campaign = person.sample.campaign
    if request.method == "POST":
        answers = parse_answers(_questions(campaign.questionnaire), request.POST, request.FILES)
        try:
            collection.submit_personal(token, answers=answers, nonce=request.POST.get("nonce"))
        except DomainError as exc:
            messages.error(request, exc.message)
            return _form_page(
                request, campaign, action=request.path, extra={"unit": person.sample.agency}
            )
        return render(
            request, "surveys/message.html", {"message": _("Thank you for your answers.")}
        )
    reason = collection.reason_not_to_start(
        campaign, agency=person.sample.agency, stratum=person.stratum, person=person
    )
    if reason:
        return render(request, "surveys/message.html", {"message": reason})
    return _form_page(request, campaign, action=request.path, extra={"unit": person.sample.agency})


def respond_open(request: HttpRequest, code: str, token: str, unit: str) -> HttpResponse:
    """The open link (or the kiosk) of a campaign for one unit, limited per device."""
    campaign = get_object_or_404(Campaign, code=code)
    agency = get_object_or_404(Agency, code=unit)
    if not secrets.compare_digest(token, campaign.open_token or "-"):
        return render(
            request,
            "surveys/message.html",
            {"message": _("This survey link is not valid. Please check the link on your letter.")},
            status=404,
        )
    device = request.COOKIES.get(DEVICE_COOKIE) or secrets.token_urlsafe(16)
    mode = Mode.KIOSK if request.GET.get("kiosk") == "1" else Mode.ONLINE
    if request.method == "POST":
        answers = parse_answers(_questions(campaign.questionnaire), request.POST, request.FILES)
        try:
            collection.submit_open(
                campaign,
                open_token=token,
                agency=agency,
                answers=answers,
                device_key=device,
                nonce=request.POST.get("nonce"),
                mode=mode,
            )
        except DomainError as exc:
            messages.error(request, exc.message)
            response = _form_page(
                request,
                campaign,
                action=request.get_full_path(),
                extra={"unit": agency, "kiosk": mode == Mode.KIOSK},
            )
        else:
            response = render(
                request, "surveys/message.html", {"message": _("Thank you for your answers.")}
            )
    elif reason := collection.reason_not_to_start(
        campaign, agency=agency, device_key=request.COOKIES.get(DEVICE_COOKIE, ""), mode=mode
    ):
        response = render(request, "surveys/message.html", {"message": reason})
    else:
        response = _form_page(
            request,
            campaign,
            action=request.get_full_path(),
            extra={"unit": agency, "kiosk": mode == Mode.KIOSK},
        )
    response.set_cookie(DEVICE_COOKIE, device, max_age=3600 * 24 * 365, samesite="Lax")
    return response
