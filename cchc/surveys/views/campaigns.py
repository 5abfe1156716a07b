"""Campaign pages: the surveys list, a new campaign, a campaign's page (open, close,
publish, draw samples, invite, set quotas) with its live returns table, the published
campaigns and the invitation letters."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from cchc.agencies.models import Agency
from cchc.core.errors import DomainError
from cchc.core.rendering import form_page
from cchc.core.text import matches_folded
from cchc.surveys import letters, services
from cchc.surveys.forms import CampaignForm
from cchc.surveys.models import Campaign, Mode, Questionnaire, Quota, Response
from cchc.surveys.policies import (
    can_collect,
    can_follow,
    can_see_all_answers,
    can_see_questionnaires,
    is_home_affairs,
)
from cchc.surveys.sampling import stratum_labels
from cchc.surveys.views._shared import _campaign_to_follow

CAMPAIGNS_PAGE = 20
QUESTIONNAIRES_PAGE = 20


def _other_page_links(request: HttpRequest, page: Any, param: str) -> dict[str, str]:
    """The previous and next links of a second list on a page, paged by its own `param`:
    every other parameter of the current address (the other list's search and page) kept."""
    if page is None or not page.has_other_pages():
        return {}
    links = {}
    for name, number in (
        ("previous", page.previous_page_number() if page.has_previous() else None),
        ("next", page.next_page_number() if page.has_next() else None),
    ):
        if number is not None:
            query = request.GET.copy()
            query[param] = str(number)
            links[name] = "?" + query.urlencode()
    return links


@login_required
def index(request: HttpRequest) -> HttpResponse:
    province = getattr(request.user, "province_code", "")
    campaigns = Campaign.objects.filter(province_code=province).order_by("-created_at")
    collector = can_collect(request.user, province)
    # inspectors follow every campaign read-only; others (a unit's leader) the published ones
    follower = can_follow(request.user, province)
    if not follower:
        campaigns = campaigns.filter(status=Campaign.Status.PUBLISHED)
    # a province keeps its campaigns year after year (and the per-dossier evaluations): found
    # by name, code or period, a page at a time
    q = request.GET.get("q", "").strip()
    if q:
        campaigns = campaigns.filter(
            Q(name__icontains=q) | Q(code__icontains=q) | Q(period__icontains=q)
        )
    page = Paginator(campaigns, CAMPAIGNS_PAGE).get_page(request.GET.get("page"))
    # the questionnaires (every version of every code) grow year after year too: their own
    # search (code or title, typed with or without accents) and their own page number, so
    # paging one list keeps the other's search and page in the links
    questionnaires = None
    qq = request.GET.get("qq", "").strip()
    if can_see_questionnaires(request.user, province):
        rows = Questionnaire.objects.order_by("code", "-version")
        if qq:
            rows = rows.filter(matches_folded("search_text", qq))
        questionnaires = Paginator(rows, QUESTIONNAIRES_PAGE).get_page(request.GET.get("qpage"))
    return render(
        request,
        "surveys/index.html",
        {
            "campaigns": page.object_list,
            "page": page,
            "q": q,
            "questionnaires": questionnaires,
            "qq": qq,
            "questionnaire_pages": _other_page_links(request, questionnaires, "qpage"),
            "collector": collector,
            "follower": follower,
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
    # the target carries over from the province's last campaign (Hà Nội: 86 % every year)
    last_target = (
        Campaign.objects.filter(province_code=province, target_index__isnull=False)
        .order_by("-created_at")
        .values_list("target_index", flat=True)
        .first()
    )
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
            "target_index": last_target,
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
            target_index=d.get("target_index"),
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


HISTORY_PAGE = 50


@login_required
def campaign_detail(request: HttpRequest, code: str) -> HttpResponse:
    """A campaign's page: its settings and their history, its actions (Home Affairs), its
    fieldwork progress; survey staff and inspectors read it."""
    campaign = _campaign_to_follow(request, code)
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
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect("surveys:campaign", code=campaign.code)
    context = _progress(campaign, request.user)
    # the latest changes first, a page at a time: a campaign of 180 units logs a quota and a
    # draw for each, which pushed a correction of its settings out of a fixed window
    context["history"] = Paginator(campaign.events.order_by("-seq"), HISTORY_PAGE).get_page(
        request.GET.get("page")
    )
    context["history_open"] = "page" in request.GET
    if context["home_affairs"] and campaign.can_prepare:  # closed: the links take no answer
        context["open_links"] = _open_links(campaign)
    return render(request, "surveys/campaign.html", context)


def _open_links(campaign: Campaign) -> list[dict[str, Any]]:
    """Each unit's open link and kiosk link, in the modes the campaign collects in: Home
    Affairs put them on the unit's notice board and web page (a poster with its QR code) and
    on the tablet at its desk. Only Home Affairs see them: one token opens every unit."""
    from cchc.surveys.jobs import open_url

    online = Mode.ONLINE in campaign.modes
    kiosk = Mode.KIOSK in campaign.modes
    if not (online or kiosk):
        return []
    return [
        {
            "agency": u.agency,
            "online": open_url(campaign, u.agency) if online else "",
            "kiosk": open_url(campaign, u.agency, kiosk=True) if kiosk else "",
        }
        for u in campaign.units_in_order()
    ]


def _progress(campaign: Campaign, user: Any) -> dict[str, Any]:
    """The returns table; the sample's letters and its drawing only for Home Affairs, who
    alone may print or draw (`letters_pdf`, the "draw" action)."""
    from django.db.models import Count

    from cchc.surveys import live

    units = campaign.units_in_order()

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
    # the whole campaign at a glance: questionnaires counted against the units' quotas
    surveyed = {u.agency_id for u in units}
    overall = [q for q in all_quotas if q.stratum == "*" and q.agency_id in surveyed]
    quota_target = sum(q.target for q in overall)
    quota_filled = sum(min(q.filled, q.target) for q in overall)
    totals = {
        "returns": sum(sum(returns.get(a, {}).values()) for a in surveyed),
        "target": quota_target,
        "filled": quota_filled,
        "share": round(100 * quota_filled / quota_target) if quota_target else None,
        "units_full": sum(1 for q in overall if q.is_full),
        "units_with_quota": len(overall),
    }
    return {
        "campaign": campaign,
        "rows": rows,
        "totals": totals,
        "modes": Mode.choices,
        "home_affairs": is_home_affairs(user, campaign.province_code),
        "collector": can_collect(user, campaign.province_code),
        # each unit's row links to its answers for whoever may read them (inspectors too)
        "answers_link": can_see_all_answers(user, campaign.province_code),
    }


@login_required
def progress_fragment(request: HttpRequest, code: str) -> HttpResponse:
    """The live returns table (static/cchc/surveys.js re-loads it every 15 s)."""
    campaign = _campaign_to_follow(request, code)
    return render(request, "surveys/_progress.html", _progress(campaign, request.user))


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
    if sample.is_empty:  # a page that says so, not a PDF of one sentence
        message = _("Nobody was drawn in the sample of %(unit)s: there are no letters to print.")
        return render(
            request, "surveys/message.html", {"message": message % {"unit": sample.agency.name}}
        )
    pdf = letters.render_letters(sample, reserve=request.GET.get("reserve") == "1")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="thu-moi-{campaign.code}-{unit}.pdf"'
    return response


@login_required
def poster_pdf(request: HttpRequest, code: str, unit: str) -> HttpResponse:
    """The unit's poster with the QR code of its open link (`?kiosk=1`: of its kiosk)."""
    campaign = get_object_or_404(Campaign, code=code)
    if not is_home_affairs(request.user, campaign.province_code):
        raise PermissionDenied
    agency = get_object_or_404(campaign.units.select_related("agency"), agency__code=unit).agency
    kiosk = request.GET.get("kiosk") == "1"
    if (Mode.KIOSK if kiosk else Mode.ONLINE) not in campaign.modes:
        raise Http404
    pdf = letters.render_poster(campaign, agency, kiosk=kiosk)
    response = HttpResponse(pdf, content_type="application/pdf")
    name = f"{'ki-ot' if kiosk else 'ap-phich'}-{campaign.code}-{unit}.pdf"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response
