"""Survey pages: the respondent's form (personal or open link, works on a phone), entry by
enumerators and keying clerks, campaign pages with live quotas, results with charts, the
questionnaire builder and preview, letters. Views are thin: writes go through services."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cchc.agencies.models import Agency
from cchc.core.errors import DomainError, ValidationFailed
from cchc.core.rendering import add_domain_error, form_page
from cchc.surveys import collection, letters, questionnaires, services
from cchc.surveys.bias import bias_check, bias_margin
from cchc.surveys.forms import (
    CampaignForm,
    OwnQuestionForm,
    QuestionnaireForm,
    answer_text,
    answers_as_post,
    parse_answers,
)
from cchc.surveys.methods import period_window
from cchc.surveys.models import (
    Campaign,
    Item,
    Mode,
    PaperForm,
    Question,
    Questionnaire,
    QuestionnaireEvent,
    Quota,
    Response,
    Section,
)
from cchc.surveys.policies import (
    can_collect,
    can_see_all_answers,
    can_see_answers,
    can_see_questionnaires,
    is_home_affairs,
)
from cchc.surveys.results import method_of
from cchc.surveys.sampling import stratum_labels

DEVICE_COOKIE = "cchc_survey_device"


RESPONSES_PAGE = 50


def _questions(questionnaire: Questionnaire) -> list[Question]:
    return list(
        Question.objects.filter(section__questionnaire=questionnaire)
        .select_related("item", "section")
        .order_by("-section__screening", "section__order", "section_id", "order", "pk")
    )


def _sections(questionnaire: Questionnaire) -> list[dict[str, Any]]:
    out: dict[int, dict[str, Any]] = {}
    for q in _questions(questionnaire):
        out.setdefault(q.section_id, {"section": q.section, "questions": []})["questions"].append(q)
    return list(out.values())


def _form_page(
    request: HttpRequest, campaign: Campaign, *, action: str, extra: dict[str, Any] | None = None
) -> HttpResponse:
    return render(
        request,
        "surveys/respond.html",
        {
            "campaign": campaign,
            "sections": _sections(campaign.questionnaire),
            "nonce": secrets.token_urlsafe(16),
            "posted": request.POST if request.method == "POST" else {},
            "action": action,
            "max_upload_mb": settings.MAX_UPLOAD_MB,
            **(extra or {}),
        },
    )


# -- respondents --------------------------------------------------------------------------
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


# -- staff ----------------------------------------------------------------------------------
def _campaign_for(request: HttpRequest, code: str) -> Campaign:
    campaign = get_object_or_404(
        Campaign.objects.select_related("method", "questionnaire"), code=code
    )
    if not can_collect(request.user, campaign.province_code):
        raise PermissionDenied
    return campaign


@login_required
def index(request: HttpRequest) -> HttpResponse:
    province = getattr(request.user, "province_code", "")
    campaigns = Campaign.objects.filter(province_code=province).order_by("-created_at")
    collector = can_collect(request.user, province)
    if not collector:  # inspectors: the published results, not the collection pages
        campaigns = campaigns.filter(status=Campaign.Status.PUBLISHED)
    questionnaires = (
        Questionnaire.objects.order_by("code", "-version")
        if can_see_questionnaires(request.user, province)
        else []
    )
    return render(
        request,
        "surveys/index.html",
        {
            "campaigns": campaigns,
            "questionnaires": questionnaires,
            "collector": collector,
            "home_affairs": is_home_affairs(request.user, province),
        },
    )


@login_required
def campaign_new(request: HttpRequest) -> HttpResponse:
    """Home Affairs open a new survey: a draft campaign, opened from its own page once its
    quotas are set and its samples drawn."""
    province = getattr(request.user, "province_code", "")
    if not is_home_affairs(request.user, province):
        raise PermissionDenied
    year = timezone.localdate().year
    form = CampaignForm(
        request.POST or None,
        province_code=province,
        initial={
            "period": str(year),
            "code": f"SIPAS-{year}",
            "date_from": dt.date(year, 1, 1),
            "date_to": timezone.localdate(),
            "modes": [m.value for m in Mode],
            "anonymous": True,
            "agencies": list(Agency.objects.current().in_province(province)),
        },
    )

    def save(d: dict[str, Any]) -> HttpResponse:
        campaign = services.create_campaign(
            code=d["code"],
            name=d["name"],
            questionnaire=d["questionnaire"],
            province_code=province,
            period=d["period"],
            date_from=d["date_from"],
            date_to=d["date_to"],
            agencies=list(d["agencies"]),
            modes=d["modes"],
            anonymous=d["anonymous"],
            actor=request.user,
        )
        messages.success(
            request,
            _("Campaign created as a draft: set its quotas, draw its samples, then open it."),
        )
        return redirect("surveys:campaign", code=campaign.code)

    return form_page(
        request, "surveys/campaign_new.html", form, save, heading=_("New survey campaign")
    )


@login_required
def questionnaire_new(request: HttpRequest) -> HttpResponse:
    """Home Affairs start a questionnaire of their own on a method's item bank; the builder
    then adds its sections and questions, previews and publishes it."""
    province = getattr(request.user, "province_code", "")
    if not is_home_affairs(request.user, province):
        raise PermissionDenied
    form = QuestionnaireForm(request.POST or None, province_code=province)

    def save(d: dict[str, Any]) -> HttpResponse:
        questionnaire = questionnaires.create_questionnaire(
            method=d["method"],
            code=d["code"],
            title=d["title"],
            introduction=d["introduction"],
            actor=request.user,
            province_code=province,
        )
        messages.success(request, _("Questionnaire created: add its sections and questions."))
        return redirect("surveys:builder", pk=questionnaire.pk)

    return form_page(
        request, "surveys/questionnaire_new.html", form, save, heading=_("New questionnaire")
    )


@login_required
def campaign_detail(request: HttpRequest, code: str) -> HttpResponse:
    campaign = _campaign_for(request, code)
    if request.method == "POST":
        if not is_home_affairs(request.user, campaign.province_code):
            raise PermissionDenied
        action = request.POST.get("action")
        try:
            if action == "open":
                services.open_campaign(campaign, actor=request.user)
                messages.success(request, _("Collection is open: responses can be recorded."))
            elif action == "close":
                services.close_campaign(campaign, actor=request.user)
                messages.success(
                    request, _("Collection is closed: no more responses are recorded.")
                )
            elif action == "publish":
                services.publish_results(campaign, actor=request.user)
                messages.success(request, _("The results are published."))
            elif action == "draw":
                agency = get_object_or_404(Agency, code=request.POST.get("unit"))
                sample = services.draw_sample(campaign, agency=agency, actor=request.user)
                messages.success(
                    request,
                    _("Sample of %(unit)s drawn: %(n)s people out of %(frame)s.")
                    % {"unit": agency.name, "n": sample.size, "frame": sample.frame_size},
                )
                overall = Quota.objects.filter(campaign=campaign, agency=agency, stratum="*")
                target = overall.values_list("target", flat=True).first()
                if target and sample.size < target:
                    messages.warning(
                        request,
                        _(
                            "The sample (%(n)s) is smaller than the unit's quota (%(target)s): "
                            "it had only %(frame)s applicants in the period. Make up the rest "
                            "with interviews or the open link."
                        )
                        % {"n": sample.size, "target": target, "frame": sample.frame_size},
                    )
            elif action == "invite":
                n = services.send_invitations(campaign, actor=request.user)
                messages.success(request, _("%(n)s invitations queued.") % {"n": n})
            elif action == "quota":
                agency = get_object_or_404(Agency, code=request.POST.get("unit"))
                try:
                    target = int(request.POST.get("target", ""))
                except ValueError:
                    raise ValidationFailed(
                        _("The quota is a whole number of questionnaires."), field="target"
                    ) from None
                services.set_quota(campaign, agency=agency, target=target, actor=request.user)
                messages.success(
                    request,
                    _("Quota of %(unit)s set to %(n)s questionnaires.")
                    % {"unit": agency.name, "n": target},
                )
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect("surveys:campaign", code=campaign.code)
    return render(request, "surveys/campaign.html", _progress(campaign, request.user))


def _progress(campaign: Campaign, user: Any) -> dict[str, Any]:
    """The returns table; the sample's letters and its drawing only for Home Affairs, who
    alone may print or draw (`letters_pdf`, the "draw" action)."""
    from django.db.models import Count

    from cchc.surveys import live

    units = list(campaign.units.select_related("agency").order_by("agency__code"))

    def count_returns() -> dict[int, dict[str, int]]:
        out: dict[int, dict[str, int]] = {}
        for row in (
            Response.objects.filter(campaign=campaign)
            .values("agency_id", "mode")
            .annotate(n=Count("id"))
        ):
            out.setdefault(row["agency_id"], {})[row["mode"]] = row["n"]
        return out

    # counted again only after a response was recorded (live.py), not on every refresh
    returns = live.cached(campaign, "returns", count_returns)
    quotas: dict[int, list[Quota]] = {}
    all_quotas = list(Quota.objects.filter(campaign=campaign).order_by("stratum"))
    labels = stratum_labels({q.stratum for q in all_quotas})
    for q in all_quotas:
        q.label = labels[q.stratum]  # type: ignore[attr-defined]
        quotas.setdefault(q.agency_id, []).append(q)
    mode_label = dict(Mode.choices)
    samples = {s.agency_id: s for s in campaign.samples.all()}
    rows = [
        {
            "agency": u.agency,
            "by_mode": {
                mode_label.get(mode, mode): n for mode, n in returns.get(u.agency_id, {}).items()
            },
            "total": sum(returns.get(u.agency_id, {}).values()),
            "quotas": quotas.get(u.agency_id, []),
            # the unit's overall quota (stratum "*"), the one Home Affairs set on this page
            "overall": next((q for q in quotas.get(u.agency_id, []) if q.stratum == "*"), None),
            "sampled": samples.get(u.agency_id),
        }
        for u in units
    ]
    return {
        "campaign": campaign,
        "rows": rows,
        "modes": Mode.choices,
        "home_affairs": is_home_affairs(user, campaign.province_code),
    }


@login_required
def progress_fragment(request: HttpRequest, code: str) -> HttpResponse:
    """The live returns table (static/cchc/surveys.js re-loads it every 15 s)."""
    campaign = _campaign_for(request, code)
    return render(request, "surveys/_progress.html", _progress(campaign, request.user))


@login_required
def enter(request: HttpRequest, code: str) -> HttpResponse:
    """An enumerator's entry (phone, face-to-face, kiosk) or a clerk's keying of a paper form."""
    campaign = _campaign_for(request, code)
    paper = request.GET.get("paper") == "1" or request.POST.get("paper") == "1"
    units = [u.agency for u in campaign.units.select_related("agency").order_by("agency__code")]
    extra = {"units": units, "paper": paper, "staff_entry": True, "modes": Mode.choices}
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
        return redirect(request.path + ("?paper=1" if paper else ""))
    return _form_page(request, campaign, action=request.path, extra=extra)


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


@login_required
def responses(request: HttpRequest, code: str) -> HttpResponse:
    """Raw answers of a unit, with review actions (Home Affairs)."""
    campaign = get_object_or_404(Campaign, code=code)
    agency = get_object_or_404(Agency, code=request.GET.get("unit") or request.POST.get("unit"))
    if not can_see_answers(request.user, agency):
        raise PermissionDenied
    qs = Response.objects.filter(campaign=campaign, agency=agency).order_by("code")
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(code__icontains=q)
    if request.method == "POST":
        if not is_home_affairs(request.user, campaign.province_code):
            raise PermissionDenied
        chosen = list(qs.filter(pk__in=request.POST.getlist("ids")))
        try:
            n = collection.review_responses(
                chosen,
                decision=request.POST.get("decision", ""),
                actor=request.user,
                reason=request.POST.get("reason", ""),
            )
            messages.success(request, _("%(n)s responses reviewed.") % {"n": n})
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect(f"{request.path}?unit={agency.code}")
    return render(
        request,
        "surveys/responses.html",
        {
            "campaign": campaign,
            "agency": agency,
            "page": Paginator(qs, RESPONSES_PAGE).get_page(request.GET.get("page")),
            "q": q,
            "home_affairs": is_home_affairs(request.user, campaign.province_code),
        },
    )


@login_required
def response_detail(request: HttpRequest, code: str, number: str) -> HttpResponse:
    """One response: its answers by question, its log (submission, corrections, review) and,
    for Home Affairs, the questionnaire filled in with the answers to correct them (a keying
    mistake), with the reason the log keeps."""
    campaign = get_object_or_404(Campaign, code=code)
    response = get_object_or_404(
        Response.objects.select_related("agency"), campaign=campaign, code=number
    )
    if not can_see_answers(request.user, response.agency):
        raise PermissionDenied
    home_affairs = is_home_affairs(request.user, campaign.province_code)
    questions = _questions(campaign.questionnaire)
    if request.method == "POST":
        if not home_affairs:
            raise PermissionDenied
        answers = parse_answers(questions, request.POST, request.FILES)
        for q in questions:  # a file not given again stays as recorded
            if q.item.is_file and q.item.code not in answers and q.item.code in response.answers:
                answers[q.item.code] = response.answers[q.item.code]
        try:
            collection.edit_response(
                response,
                answers=answers,
                actor=request.user,
                reason=request.POST.get("reason", ""),
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The answers have been corrected."))
            return redirect(request.path)
    posted = (
        request.POST if request.method == "POST" else answers_as_post(questions, response.answers)
    )
    rows = [
        (q, answer_text(q.item, response.answers.get(q.item.code)))
        for q in questions
        if q.item.code in response.answers
    ]
    return render(
        request,
        "surveys/response.html",
        {
            "campaign": campaign,
            "response": response,
            "rows": rows,
            "events": response.events.order_by("seq"),
            "home_affairs": home_affairs,
            "sections": _sections(campaign.questionnaire) if home_affairs else [],
            "posted": posted,
            "correction": True,
            "action": request.path,
            "max_upload_mb": settings.MAX_UPLOAD_MB,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
def responses_export(request: HttpRequest, code: str) -> FileResponse:
    """The raw answers as a file (`?format=csv|sav|jsonl|open`): one unit's (`?unit=`) for
    whoever may read that unit's raw answers (`can_see_answers`, as the responses pages),
    every unit's only for Home Affairs and the province's inspectors
    (`can_see_all_answers`); open data (published campaigns) is every unit's. The files are
    the ones `manage.py export_survey_responses` writes: both call
    `interchange.export_responses`."""
    import tempfile
    from pathlib import Path

    from cchc.surveys import interchange

    campaign = get_object_or_404(Campaign.objects.select_related("method"), code=code)
    fmt = request.GET.get("format", "csv")
    if fmt not in interchange.EXPORT_FORMATS:
        raise Http404
    selected = Response.objects.filter(campaign=campaign)
    unit = request.GET.get("unit", "")
    if unit:
        agency = get_object_or_404(
            campaign.units.select_related("agency"), agency__code=unit
        ).agency
        if fmt == "open" or not can_see_answers(request.user, agency):
            raise PermissionDenied
        selected = selected.filter(agency=agency)
    elif not can_see_all_answers(request.user, campaign.province_code):
        raise PermissionDenied
    if fmt == "open" and not campaign.is_published:
        raise Http404
    extension, content_type = interchange.EXPORT_FORMATS[fmt]
    stem = (
        f"du-lieu-mo-{campaign.code}"
        if fmt == "open"
        else f"phieu-{campaign.code}-{unit or 'tat-ca'}"
    )
    with tempfile.NamedTemporaryFile(suffix=f".{extension}", delete=False) as temporary:
        path = Path(temporary.name)
    try:
        interchange.export_responses(
            selected, fmt=fmt, path=path, campaign=campaign, method=campaign.method
        )
        handle = path.open("rb")
    finally:
        path.unlink()  # the open handle keeps the file until the response has sent it
    return FileResponse(
        handle, as_attachment=True, filename=f"{stem}.{extension}", content_type=content_type
    )


def _downloads(campaign: Campaign, user: Any) -> dict[str, Any] | None:
    """What the results page offers for download of raw answers to `user`: the units whose
    answers they may read, whether all units at once, and open data; None for no one."""
    if not getattr(user, "is_authenticated", False):
        return None
    units = [u.agency for u in campaign.units.select_related("agency").order_by("agency__code")]
    everything = can_see_all_answers(user, campaign.province_code)
    if not everything:
        units = [a for a in units if can_see_answers(user, a)]
    if not units and not everything:
        return None
    return {
        "units": units,
        "everything": everything,
        "open_data": everything and campaign.is_published,
    }


def _results_doc(campaign: Campaign, *, actor: Any) -> dict[str, Any]:
    """The frozen figures of a published campaign, else the last computed live ones (a
    recomputation is asked for when they are stale: cchc/surveys/live.py)."""
    from cchc.surveys import live

    if campaign.is_published:
        return campaign.published_results or {}
    return live.snapshot(campaign, actor=actor, load=()).document()


def _published_summary(campaign: Campaign) -> dict[str, Any]:
    """What the ranking shows of the frozen figures: a few kilobytes read from the cache
    instead of the whole document (about 1 MB for 180 units) on every view."""
    from cchc.surveys import live

    return live.cached(
        campaign, "summary", lambda: live.summarise(campaign.published_results or {})
    )


def results(request: HttpRequest, code: str) -> HttpResponse:
    """Ranking with intervals; public once published, else Home Affairs and survey staff."""
    campaign = get_object_or_404(
        Campaign.objects.select_related("method").defer("published_results"), code=code
    )
    if not campaign.is_published and not can_collect(request.user, campaign.province_code):
        raise Http404
    from cchc.surveys import live

    staff = can_collect(request.user, campaign.province_code)
    snapshot = None
    if campaign.is_published:
        doc = _published_summary(campaign)
    else:  # the last computed figures, stamped when newer responses are being counted
        snapshot = live.snapshot(campaign, actor=request.user)
        doc = snapshot.summary or {}
    # the figures of the 180-odd rows formatted here: the template's floatformat filter cost
    # a third of the page's time (bench_surveys.py, profile_pages.py)
    number = _number_formatter()
    # one reverse() for every row's link; the bars' coordinates as plain (unlocalised) text
    placeholder = "UNIT-CODE"
    unit_url = reverse("surveys:unit_results", args=[campaign.code, placeholder])
    agencies = [
        {
            **a,
            "url": unit_url.replace(placeholder, quote(a["code"], safe="")),
            "bar": repr(a["total"]) if a["total"] is not None else "",
            "bar_low": repr(a["interval"][0]) if a["interval"] else "",
            "bar_high": repr(a["interval"][1]) if a["interval"] else "",
            "total_text": number(a["total"], 2),
            "interval_text": (
                f"{number(a['interval'][0], 1)}–{number(a['interval'][1], 1)}"
                if a["interval"]
                else ""
            ),
        }
        for a in sorted(doc["agencies"], key=ranking_order)
    ]
    bias = None
    margin: float | None = None
    if staff:
        margin = bias_margin(campaign)
        bias = [
            {
                **b,
                **{
                    f"{key}_text": number(b[key], 1)
                    for key in ("desk", "counter_rating", "independent", "gap")
                },
            }
            for b in bias_check(
                campaign, margin=margin, split=snapshot.bias_split if snapshot else None
            )
        ]
    return render(
        request,
        "surveys/results.html",
        {
            "campaign": campaign,
            "doc": doc,
            "agencies": agencies,
            "bias": bias,
            "bias_margin": margin,
            "stamp": snapshot.stamp if snapshot else "",
            "downloads": _downloads(campaign, request.user),
        },
    )


def ranking_order(agency: dict[str, Any]) -> tuple[Any, ...]:
    """The order the results page lists units in, which the Excel workbook keeps: by ranking
    group, then SIPAS from the highest (units without a figure last)."""
    return (agency["group"] or "", -(agency["total"] if agency["total"] is not None else -1))


def rounded(value: Any, places: int) -> float | None:
    """A figure rounded as the page prints it (half up, from the shortest decimal text of the
    float: 66.225 → 66.23 where round() gives 66.22)."""
    from decimal import ROUND_HALF_UP, Decimal

    if value is None:
        return None
    step = Decimal(1).scaleb(-places)
    return float(Decimal(repr(float(value))).quantize(step, rounding=ROUND_HALF_UP))


def _number_formatter() -> Any:
    """`number(value, places)`: what `{{ value|floatformat:places }}` prints (half up, the
    active language's decimal separator, "" for no value), without the filter's cost."""
    from django.utils.formats import get_format

    separator = str(get_format("DECIMAL_SEPARATOR"))

    def number(value: Any, places: int) -> str:
        if value is None:
            return ""
        return f"{rounded(value, places):.{places}f}".replace(".", separator)

    return number


def results_xlsx(request: HttpRequest, code: str) -> HttpResponse:
    """The ranking and every unit's item figures as an Excel workbook, in the page's order
    and with its two decimals (the cells hold the rounded figures, shown as 0.00)."""
    import io

    from openpyxl import Workbook
    from openpyxl.styles import Font

    campaign = get_object_or_404(Campaign.objects.select_related("method"), code=code)
    if not campaign.is_published and not can_collect(request.user, campaign.province_code):
        raise Http404
    doc = _results_doc(campaign, actor=request.user)
    agencies = sorted(doc["agencies"], key=ranking_order)
    book = Workbook()
    sheet = book.active
    sheet.title = "SIPAS"
    sheet.append(
        [
            _("Group"),
            _("Rank"),
            _("Unit code"),
            _("Unit"),
            "SIPAS %",
            _("low"),
            _("high"),
            _("n valid"),
            _("invalid"),
            _("Note"),
        ]
    )
    for a in agencies:
        low, high = a["interval"] or (None, None)
        sheet.append(
            [
                a["group"],
                a["rank"],
                a["code"],
                a["name"],
                rounded(a["total"], 2),
                rounded(low, 2),
                rounded(high, 2),
                a["n_valid"],
                a["n_invalid"],
                a.get("note") or None,
            ]
        )
    texts = dict(
        method_of(campaign, doc)
        .items.filter(kind=Item.Kind.SATISFACTION)
        .values_list("code", "text")
    )
    items = book.create_sheet(_("Items"))
    items.append(
        [
            _("Unit code"),
            _("Unit"),
            _("Item"),
            _("Question wording"),
            _("satisfied"),
            _("valid"),
            "%",
        ]
    )
    for a in agencies:
        for f in a["groups"].values():
            for c in f["components"].values():
                for item_code, v in c["items"].items():
                    items.append(
                        [
                            a["code"],
                            a["name"],
                            item_code,
                            texts.get(item_code, ""),
                            v["numerator"],
                            v["denominator"],
                            rounded(v["score"], 2),
                        ]
                    )
    for ws, percent_columns in ((sheet, "EFG"), (items, "G")):
        for cell in ws[1]:
            cell.font = Font(bold=True)
        ws.freeze_panes = "A2"
        for column in percent_columns:
            for cell in ws[column][1:]:
                cell.number_format = "0.00"
    sheet.column_dimensions["D"].width = 40
    items.column_dimensions["B"].width = 30
    items.column_dimensions["D"].width = 60
    out = io.BytesIO()
    book.save(out)
    response = HttpResponse(
        out.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="sipas-{campaign.code}.xlsx"'
    return response


def results_pdf(request: HttpRequest, code: str) -> HttpResponse:
    """The results report as PDF: ranking with intervals, components, weakest items."""
    from cchc.surveys.report import render_report

    campaign = get_object_or_404(Campaign.objects.select_related("method"), code=code)
    if not campaign.is_published and not can_collect(request.user, campaign.province_code):
        raise Http404
    response = HttpResponse(
        render_report(campaign, _results_doc(campaign, actor=request.user)),
        content_type="application/pdf",
    )
    response["Content-Disposition"] = f'inline; filename="sipas-{campaign.code}.pdf"'
    return response


def unit_results(request: HttpRequest, code: str, unit: str) -> HttpResponse:
    """One unit: component profile chart, items, weakest items."""
    from cchc.surveys import live

    campaign = get_object_or_404(
        Campaign.objects.select_related("method").defer("published_results"), code=code
    )
    if not campaign.is_published and not can_collect(request.user, campaign.province_code):
        raise Http404

    def figures_of(doc: dict[str, Any]) -> dict[str, Any]:
        found = next((a for a in doc.get("agencies", []) if a["code"] == unit), None)
        return {"version": doc.get("version", ""), "figures": found}

    # one unit's figures cached on their own: not the whole document on every view
    stamp = ""
    if campaign.is_published:
        cached = live.cached(
            campaign, f"unit:{unit}", lambda: figures_of(campaign.published_results or {})
        )
    else:
        snapshot = live.snapshot(campaign, actor=request.user, load=())
        cached = snapshot.cached(campaign, f"unit:{unit}", lambda: figures_of(snapshot.document()))
        stamp = snapshot.stamp
    figures = cached["figures"]
    if figures is None:
        raise Http404
    method = method_of(campaign, cached)
    items = {i.code: i for i in method.items.filter(kind=Item.Kind.SATISFACTION)}
    names = {c["code"]: c["name"] for f in method.structure for c in f["components"]}
    components = [
        {
            "code": c,
            "name": names.get(c, c),
            "score": comp["score"],
            # the bar's length as a percentage of the chart's width, in SVG's notation
            # (a point whatever the page's language: "66,67%" would draw nothing)
            "bar": f"{rounded(comp['score'], 2):.2f}" if comp["score"] is not None else "",
            "items": [
                {"code": ic, "text": items[ic].text if ic in items else ic, **iv}
                for ic, iv in comp["items"].items()
            ],
        }
        for f in figures["groups"].values()
        for c, comp in f["components"].items()
    ]
    return render(
        request,
        "surveys/unit.html",
        {
            "campaign": campaign,
            "unit": figures,
            "components": components,
            "weakest": [(c, items[c].text) for c in figures.get("weakest_items", []) if c in items],
            "trend": _trend(campaign, unit),
            "stamp": stamp,
        },
    )


def _trend(campaign: Campaign, unit: str) -> list[dict[str, Any]]:
    """The unit's published SIPAS across the province's campaigns, oldest first. Read once
    per publication: the cache key changes with the number of published campaigns and the
    last publication (each published document is ~1 MB of JSON to read)."""
    from django.core.cache import cache
    from django.db.models import Count, Max

    published = Campaign.objects.filter(
        province_code=campaign.province_code, status=Campaign.Status.PUBLISHED
    )
    stamp = published.aggregate(n=Count("id"), last=Max("published_at"))
    last = stamp["last"].timestamp() if stamp["last"] else ""
    key = f"surveys:trend:{campaign.province_code}:{unit}:{stamp['n']}:{last}"
    found = cache.get(key)
    if found is not None:
        return list(found)
    out = []
    for c in published.order_by("period", "published_at"):
        figures = next(
            (a for a in (c.published_results or {}).get("agencies", []) if a["code"] == unit), None
        )
        if figures and figures["total"] is not None:
            out.append({"period": c.period, "name": c.name, "total": figures["total"]})
    cache.set(key, out, settings.SURVEY_LIVE_RESULTS_SECONDS)
    return out


@login_required
def evaluations(request: HttpRequest) -> HttpResponse:
    """The per-dossier evaluation through the survey engine (method `danh-gia-ho-so`): per
    unit and criterion, for a year, a quarter or a month (issue 13.9)."""
    from django.utils import timezone

    from cchc.surveys.methods import evaluation_criteria
    from cchc.surveys.results import evaluation_results

    province = getattr(request.user, "province_code", "")
    if not can_collect(request.user, province):
        raise PermissionDenied
    period = request.GET.get("period") or str(timezone.localdate().year)
    window = period_window(period)
    if window is None:
        messages.error(request, _("Write the period as 2026, 2026-Q2 or 2026-05."))
        period = str(timezone.localdate().year)
        window = period_window(period)
    assert window is not None
    doc = evaluation_results(*window, province_code=province)
    criteria = evaluation_criteria(window[1])  # the version evaluation_results uses
    rows = [
        {
            **unit,
            "criteria": [
                unit["groups"]["EVALUATION"]["components"]["EVAL"]["items"].get(code, {})
                for code, _text in criteria
            ],
        }
        for unit in sorted(doc["agencies"], key=lambda a: (a["rank"] or 10**6, a["code"]))
    ]
    return render(
        request,
        "surveys/evaluations.html",
        {
            "period": period,
            "window": window,
            "doc": doc,
            "rows": rows,
            "criteria": criteria,
            "province_items": [
                doc["province"]["groups"]["EVALUATION"]["components"]["EVAL"]["items"].get(c, {})
                for c, _t in criteria
            ],
        },
    )


def public(request: HttpRequest) -> HttpResponse:
    """Published campaigns (transparency page)."""
    campaigns = Campaign.objects.filter(status=Campaign.Status.PUBLISHED).order_by("-published_at")
    return render(request, "surveys/public.html", {"campaigns": campaigns})


@login_required
def letters_pdf(request: HttpRequest, code: str, unit: str) -> HttpResponse:
    campaign = get_object_or_404(Campaign, code=code)
    if not is_home_affairs(request.user, campaign.province_code):
        raise PermissionDenied
    sample = get_object_or_404(campaign.samples.select_related("agency"), agency__code=unit)
    pdf = letters.render_letters(sample, reserve=request.GET.get("reserve") == "1")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="thu-moi-{campaign.code}-{unit}.pdf"'
    return response


# -- builder --------------------------------------------------------------------------------
def _condition_from_post(request: HttpRequest) -> dict[str, Any]:
    """The display condition a builder form posted: an item code and the comma-separated
    answers that show the section or question (numbers where they are digits); none if
    no item was chosen."""
    if not request.POST.get("cond_item"):
        return {}
    return {
        "item": request.POST["cond_item"],
        "in": [
            int(v) if v.strip().isdigit() else v.strip()
            for v in request.POST.get("cond_in", "").split(",")
            if v.strip()
        ],
    }


@login_required
def builder(request: HttpRequest, pk: int) -> HttpResponse:
    """Build a draft questionnaire from the method's item bank; preview; publish; version.
    Inspectors read the page (the questionnaire and its log) without its forms."""
    questionnaire = get_object_or_404(Questionnaire.objects.select_related("method"), pk=pk)
    province = getattr(request.user, "province_code", "")
    if not can_see_questionnaires(request.user, province):
        raise PermissionDenied
    can_edit = is_home_affairs(request.user, province)
    if request.method == "POST" and not can_edit:
        raise PermissionDenied
    acting: dict[str, Any] = {"actor": request.user, "province_code": province}
    own_form = OwnQuestionForm(questionnaire=questionnaire)
    if request.method == "POST" and request.POST.get("action") == "own":
        own_form = OwnQuestionForm(request.POST, questionnaire=questionnaire)
        if own_form.is_valid():
            try:
                questionnaires.add_own_question(
                    own_form.cleaned_data["section"],
                    **acting,
                    **own_form.service_arguments(),
                )
            except DomainError as exc:
                add_domain_error(own_form, exc)
            else:
                return redirect("surveys:builder", pk=questionnaire.pk)
    elif request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "section":
                questionnaires.add_section(
                    questionnaire,
                    title=request.POST.get("title", "").strip() or _("Section"),
                    screening=bool(request.POST.get("screening")),
                    condition=_condition_from_post(request),
                    **acting,
                )
            elif action == "question":
                section = get_object_or_404(
                    Section, pk=request.POST.get("section"), questionnaire=questionnaire
                )
                item = get_object_or_404(
                    Item, method=questionnaire.method, code=request.POST.get("item")
                )
                questionnaires.add_question(
                    section,
                    item=item,
                    required=bool(request.POST.get("required")),
                    condition=_condition_from_post(request),
                    **acting,
                )
            elif action == "remove":
                question = get_object_or_404(
                    Question, pk=request.POST.get("question"), section__questionnaire=questionnaire
                )
                questionnaires.remove_question(question, **acting)
            elif action == "publish":
                questionnaires.publish_questionnaire(questionnaire, **acting)
            elif action == "version":
                copy = questionnaires.new_version(questionnaire, **acting)
                return redirect("surveys:builder", pk=copy.pk)
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect("surveys:builder", pk=questionnaire.pk)
    used = set(
        Question.objects.filter(section__questionnaire=questionnaire).values_list(
            "item__code", flat=True
        )
    )
    return render(
        request,
        "surveys/builder.html",
        {
            "questionnaire": questionnaire,
            "sections": _sections(questionnaire),
            "all_sections": questionnaire.sections.all(),
            "bank": [i for i in questionnaire.method.items.all() if i.code not in used],
            "item_types": Item.Type.choices,
            "own_form": own_form,
            "can_edit": can_edit,
            # who changed what respondents are asked, newest first
            "history": QuestionnaireEvent.objects.filter(questionnaire=questionnaire).order_by(
                "-seq"
            )[:200],
        },
    )


@login_required
def preview(request: HttpRequest, pk: int) -> HttpResponse:
    questionnaire = get_object_or_404(Questionnaire, pk=pk)
    if not is_home_affairs(request.user, getattr(request.user, "province_code", "")):
        raise PermissionDenied
    return render(
        request,
        "surveys/respond.html",
        {
            "campaign": None,
            "questionnaire": questionnaire,
            "sections": _sections(questionnaire),
            "preview": True,
            "max_upload_mb": settings.MAX_UPLOAD_MB,
            "posted": {},
            "action": "",
        },
    )
