"""Staff entry: an enumerator's interview (phone, face-to-face, kiosk) or a clerk's keying
of a paper form, and the supervisor's decision on forms whose two keyings differ."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from cchc.agencies.models import Agency
from cchc.core.errors import DomainError
from cchc.surveys import collection
from cchc.surveys.forms import parse_answers
from cchc.surveys.models import Mode, PaperForm
from cchc.surveys.policies import is_home_affairs
from cchc.surveys.views._shared import _campaign_for, _form_page, _questions


@login_required
def enter(request: HttpRequest, code: str) -> HttpResponse:
    """An enumerator's entry (phone, face-to-face, kiosk) or a clerk's keying of a paper form."""
    campaign = _campaign_for(request, code)
    paper = request.GET.get("paper") == "1" or request.POST.get("paper") == "1"
    units = [u.agency for u in campaign.units_in_order()]
    # only the modes the campaign collects in and this entry takes (a paper form's, or an
    # interview's): another one was offered, and refused only after the whole form was typed
    takes = collection.PAPER_MODES if paper else collection.ENTERED_MODES
    modes = [(v, label) for v, label in Mode.choices if v in campaign.modes and v in takes]
    extra: dict[str, Any] = {"units": units, "paper": paper, "staff_entry": True, "modes": modes}
    if request.method == "POST":
        answers = parse_answers(_questions(campaign.questionnaire), request.POST, request.FILES)
        agency = Agency.objects.filter(code=request.POST.get("unit")).first()
        try:
            if agency is None:
                raise DomainError(_("Choose the unit the questionnaire rates."))
            if paper:
                form = collection.key_paper_form(
                    campaign,
                    number=request.POST.get("number", ""),
                    agency=agency,
                    mode=request.POST.get("mode", Mode.PAPER_POST),
                    answers=answers,
                    actor=request.user,
                )
                messages.success(
                    request,
                    _("Form %(n)s keyed: %(status)s.")
                    % {"n": form.number, "status": form.get_status_display()},
                )
            else:
                collection.enter_response(
                    campaign,
                    agency=agency,
                    mode=request.POST.get("mode", Mode.PHONE),
                    answers=answers,
                    actor=request.user,
                    nonce=request.POST.get("nonce"),
                )
                messages.success(request, _("The questionnaire has been recorded."))
        except DomainError as exc:
            messages.error(request, exc.message)
            return _form_page(request, campaign, action=request.path, extra=extra)
        # the next form of the pile is most often of the same unit and mode: keep them chosen
        kept = {"unit": agency.code, "mode": request.POST.get("mode", "")}
        return redirect(f"{request.path}?{urlencode({**({'paper': 1} if paper else {}), **kept})}")
    extra["posted"] = {
        "unit": request.GET.get("unit", "") or _own_unit(request.user, units),
        "mode": request.GET.get("mode", "") or _first_mode(paper, campaign.modes),
    }
    return _form_page(request, campaign, action=request.path, extra=extra)


def _own_unit(user: Any, units: list[Agency]) -> str:
    """The unit chosen to begin with: the one the interviewer works at, when the campaign
    surveys it and they work at no other (an enumerator of a ward rates their ward)."""
    from cchc.accounts import permissions as perms

    own = perms.agency_ids(user) & {a.pk for a in units}
    if len(own) != 1:
        return ""
    return next(a.code for a in units if a.pk in own)


def _first_mode(paper: bool, modes: list[str]) -> str:
    """The mode chosen to begin with: an interview is by phone or face to face (the form also
    offers the desk's paper and kiosk); a keyed paper form came by post."""
    preferred = (Mode.PAPER_POST,) if paper else (Mode.PHONE, Mode.INTERVIEW)
    return next((m.value for m in preferred if m in modes), "")


@login_required
def disputes(request: HttpRequest, code: str) -> HttpResponse:
    """The supervisor's list of paper forms whose two keyings differ, and the decision."""
    campaign = _campaign_for(request, code)
    if not is_home_affairs(request.user, campaign.province_code):
        raise PermissionDenied
    if request.method == "POST":
        form = get_object_or_404(PaperForm, campaign=campaign, pk=request.POST.get("form"))
        resolution = {}
        for d in form.differences:
            raw = request.POST.get(f"r_{d['item']}", "").strip()
            resolution[d["item"]] = int(raw) if raw.lstrip("-").isdigit() else (raw or None)
        try:
            collection.resolve_paper_form(
                form, resolution=resolution, actor=request.user, note=request.POST.get("note", "")
            )
            messages.success(request, _("Form %(n)s entered.") % {"n": form.number})
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect("surveys:disputes", code=code)
    forms = PaperForm.objects.filter(
        campaign=campaign, status=PaperForm.Status.DISPUTED
    ).select_related("agency")
    return render(request, "surveys/disputes.html", {"campaign": campaign, "forms": forms})
