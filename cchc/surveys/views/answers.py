"""Raw answers: a unit's responses with review actions, one response with its log and its
correction, and the answers as files (CSV, SPSS .sav, JSON lines, open data)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cchc.agencies.models import Agency
from cchc.core.errors import DomainError
from cchc.surveys import collection, prepared_answers
from cchc.surveys.forms import answer_text, answers_as_post, parse_answers
from cchc.surveys.models import Campaign, PreparedAnswers, Response
from cchc.surveys.policies import (
    can_follow,
    can_see_all_answers,
    can_see_answers,
    is_home_affairs,
)
from cchc.surveys.views._shared import _questions, _sections

RESPONSES_PAGE = 50


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
            "follower": can_follow(request.user, campaign.province_code),
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
def responses_export(request: HttpRequest, code: str) -> HttpResponseBase:
    """The raw answers as a file (`?format=csv|sav|jsonl|open`): one unit's (`?unit=`) for
    whoever may read that unit's raw answers (`can_see_answers`, as the responses pages),
    every unit's only for Home Affairs and the province's inspectors (`can_see_all_answers`),
    as a file prepared by a job (`answers_file_prepare`, `answers_file`): a request without
    a unit is sent there; open data (published campaigns) is every unit's. The files are
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
    elif fmt != "open":
        # every unit's answers are prepared by a job (prepared_answers), not built here
        return redirect(reverse("surveys:results", args=[campaign.code]) + "#raw-answers")
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


@login_required
@require_POST
def answers_file_prepare(request: HttpRequest, code: str) -> HttpResponse:
    """Ask for every unit's answers as a file in `format` (Home Affairs, inspectors of the
    province): the job runner prepares it, the results page shows it being prepared, then
    offers it."""
    campaign = get_object_or_404(Campaign, code=code)
    if not can_see_all_answers(request.user, campaign.province_code):
        raise PermissionDenied
    try:
        prepared_answers.request_answers_file(
            campaign, fmt=request.POST.get("format", ""), actor=request.user
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _(
                "The file is being prepared. It appears on this page when it is ready; reload "
                "the page in a few minutes."
            ),
        )
    return redirect(reverse("surveys:results", args=[campaign.code]) + "#raw-answers")


@login_required
def answers_file(request: HttpRequest, code: str, fmt: str) -> FileResponse:
    """The prepared file of every unit's answers, for a reader of every unit's answers only
    (checked here again: the link may be passed on)."""
    from cchc.surveys import interchange

    campaign = get_object_or_404(Campaign, code=code)
    if fmt not in prepared_answers.FORMATS:
        raise Http404
    if not can_see_all_answers(request.user, campaign.province_code):
        raise PermissionDenied
    try:
        _prepared, handle = prepared_answers.open_answers_file(
            campaign, fmt=fmt, actor=request.user
        )
    except (PreparedAnswers.DoesNotExist, FileNotFoundError):
        raise Http404 from None
    extension, content_type = interchange.EXPORT_FORMATS[fmt]
    return FileResponse(
        handle,
        as_attachment=True,
        filename=f"phieu-{campaign.code}-tat-ca.{extension}",
        content_type=content_type,
    )
