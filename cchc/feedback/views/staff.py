"""Staff pages for petitions: the work queue and the home page's card, logging a hotline call
or a letter, one petition's page and its actions, attachments, and the dashboard. Views are
thin: every write is a call to a service (intake, petitions, complaints), whose DomainError
messages are shown as they are."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, Subquery
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from cchc.accounts import permissions
from cchc.core import rendering
from cchc.core.errors import DomainError
from cchc.core.htmx import work_card
from cchc.core.idempotency import once_per_form
from cchc.core.params import day_or
from cchc.feedback import common, petitions, reports
from cchc.feedback import complaints as complaint_register
from cchc.feedback.forms import (
    AssignForm,
    ConfirmForm,
    LogPetitionForm,
    ReclassifyForm,
    TransferForm,
)
from cchc.feedback.models import (
    Category,
    Complaint,
    Petition,
    PetitionAttachment,
    PetitionChannel,
    PetitionEvent,
    PetitionStatus,
    ResponseTemplate,
)
from cchc.feedback.views._shared import file_petition, form_page, paged, staff_required

# the work queue's tabs and their names (the page's tab bar, the home page's card)
QUEUE_TABS: dict[str, Any] = {
    "all": gettext_lazy("Open"),
    "mine": gettext_lazy("Assigned to me"),
    "due_soon": gettext_lazy("Due within 3 working days"),
    "overdue": gettext_lazy("Overdue"),
    "unrouted": gettext_lazy("To confirm"),
    "to_publish": gettext_lazy("To publish"),
    "closed": gettext_lazy("Closed"),
}


# "due soon": the answer falls due by the end of this many working days after today
DUE_SOON_WORKING_DAYS = 3


def _due_soon_until(now: dt.datetime) -> dt.datetime:
    """The end of the DUE_SOON_WORKING_DAYS-th working day after today. Deadlines run in
    working days (domain §8); three calendar days from a Friday reached only Monday morning,
    so a petition due on Tuesday got no warning, nor any due after Tết's week off."""
    today = common.local_date(now)
    try:
        rule = common.rule_in_force(common.PETITION_RULE, today)
    except DomainError:  # no rule in force: no working calendar, calendar days then
        return now + dt.timedelta(days=DUE_SOON_WORKING_DAYS)
    cal = common.calendar(settings.CCHC_PROVINCE_CODE, rule)
    return cal.day_end(cal.add_working_days(today, DUE_SOON_WORKING_DAYS))


def _in_tab(qs: Any, tab: str, user: Any, now: dt.datetime) -> Any:
    if tab == "mine":
        return qs.filter(assignee=user).open()
    if tab == "due_soon":
        return qs.due_soon(_due_soon_until(now), now)
    if tab == "overdue":
        return qs.overdue(now)
    if tab == "unrouted":
        return qs.filter(status=PetitionStatus.RECEIVED)
    if tab == "to_publish":
        return qs.awaiting_publication()
    if tab == "closed":
        return qs.exclude(
            status__in=[
                PetitionStatus.RECEIVED,
                PetitionStatus.PROCESSING,
                PetitionStatus.NEED_INFO,
            ]
        )
    return qs.open()


# the staff home page's card: the tabs that ask for action, and which of them is late work
MY_WORK_TABS = (
    ("mine", False),
    ("due_soon", False),
    ("overdue", True),
    ("unrouted", False),
    ("to_publish", False),
)


@login_required
def my_work(request: HttpRequest) -> HttpResponse:
    staff_required(request)
    now = timezone.now()
    qs = Petition.objects.handled_by_staff(request.user)
    return work_card(
        request,
        title=_("Feedback and petitions"),
        list_url=reverse("feedback:queue"),
        param="tab",
        tabs=QUEUE_TABS,
        counts={
            tab: (_in_tab(qs, tab, request.user, now).count(), alarm) for tab, alarm in MY_WORK_TABS
        },
        more_label=_("Open the petitions to handle"),
    )


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    """Work queues: mine, due within 3 working days, overdue, awaiting routing or publication."""
    staff_required(request)
    now = timezone.now()
    qs = Petition.objects.handled_by_staff(request.user).select_related("agency", "assignee")
    tab = request.GET.get("tab", "all")
    if tab not in QUEUE_TABS:
        tab = "all"
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.matching_for(request.user, q)
    # narrowing filters; an unknown value is ignored (and not shown as chosen)
    filters = {name: request.GET.get(name, "").strip() for name in ("channel", "category")}
    for name, choices in (("channel", PetitionChannel), ("category", Category)):
        if filters[name] in choices.values:
            qs = qs.filter(**{name: filters[name]})
        else:
            filters[name] = ""
    # each tab says how many it holds under the same search and filters, and its link keeps
    # them: an operator who filtered the hotline calls lost the filter on "Overdue", and had
    # to open every tab to learn where the work was
    tab_counts = {t: _in_tab(qs, t, request.user, now).count() for t in QUEUE_TABS}
    tab_query = request.GET.copy()
    for name in ("tab", "page", "format"):
        tab_query.pop(name, None)
    qs = _in_tab(qs, tab, request.user, now)
    qs = (
        qs.order_by("handle_due_at", "received_at")
        if tab != "closed"
        else qs.order_by("-received_at")
    )
    if request.GET.get("format") == "xlsx":
        response = HttpResponse(
            reports.petition_list_xlsx(qs, title=str(QUEUE_TABS[tab])),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = 'attachment; filename="danh-sach-phan-anh.xlsx"'
        return response
    # a petition whose petitioner has just answered the question (nothing done since) says so:
    # the answer sent online would otherwise wait unseen among the rows "being handled"
    qs = qs.annotate(
        last_action=Subquery(
            PetitionEvent.objects.filter(petition=OuterRef("pk"))
            .order_by("-seq")
            .values("action")[:1]
        )
    )
    export = request.GET.copy()
    export.pop("page", None)
    export["format"] = "xlsx"
    return render(
        request,
        "feedback/queue.html",
        {
            "page": paged(request, qs),
            "tab": tab,
            "tabs": [(t, label, tab_counts[t]) for t, label in QUEUE_TABS.items()],
            "tab_query": tab_query.urlencode(),
            "q": q,
            "filters": filters,
            "channels": PetitionChannel.choices,
            "categories": Category.choices,
            "export_query": export.urlencode(),
            "now": now,
            # a petition is logged on behalf of one's own agency (inspectors have none)
            "can_log": bool(permissions.agency_ids(request.user)),
        },
    )


@login_required
@once_per_form
def log_petition(request: HttpRequest) -> HttpResponse:
    """Staff log a hotline call (e.g. Đà Nẵng's 1022), a counter visit or a letter, on behalf
    of an agency of theirs."""
    staff_required(request)
    if not permissions.agency_ids(request.user):
        raise PermissionDenied
    form = LogPetitionForm(request.POST or None, user=request.user)

    def save(data: dict[str, Any]) -> HttpResponse:
        petition = file_petition(
            data,
            channel=data["channel"],
            actor=request.user,
            receiving_agency=data["receiving_agency"],
        )
        messages.success(request, _("Petition %(code)s has been logged.") % {"code": petition.code})
        return redirect("feedback:detail", code=petition.code)

    return form_page(request, form, _("Log a petition (hotline, counter, letter)"), save)


def _visible_petition(request: HttpRequest, code: str) -> Petition:
    petition = (
        Petition.objects.visible_to(request.user)
        .select_related(
            "agency",
            "suggested_agency",
            "receiving_agency",
            "topic",
            "dossier",
            "related_to",
            "duplicate_of",
            "assignee",
            "rule_version",
        )
        .filter(code=code)
        .first()
    )
    if petition is None:
        raise Http404
    return petition


@login_required
def detail(request: HttpRequest, code: str) -> HttpResponse:
    staff_required(request)
    return _detail_page(request, _visible_petition(request, code))


def _sealed(user: Any, petition: Petition) -> bool:
    """Moved to the complaints register, which `user` may not read."""
    return (
        petition.moved_to_complaints
        and not Complaint.objects.visible_to(user).filter(source_petition=petition).exists()
    )


def _returned_answer(petition: Petition) -> PetitionEvent | None:
    """The leader's sending back of the answer the assignee is now correcting, if any: its
    reason belongs above the answer form, not only at the end of the history (on a phone,
    below every action and the side table)."""
    if not petition.is_processing:
        return None
    last = petition.events.filter(action__in=("answer", "return_answer")).order_by("-seq").first()
    return last if last is not None and last.action == "return_answer" else None


def _detail_page(request: HttpRequest, petition: Petition, *, failed: str = "") -> HttpResponse:
    """The petition's page; `failed` names the action just refused, whose form comes back with
    what was typed (an answer drafted at length, a transfer's reason) instead of empty."""
    user = request.user
    posted = request.POST if failed else None
    can = {action: petitions.can(user, action, petition) for action in petitions.ACTION_ROLES}
    # a petition moved to the complaints register keeps its record here, but what it says and
    # who sent it show only to whom that register is open (the denouncer's identity is
    # protected, Law on Denunciations 2018, chapter VI): the clerks and specialists of every
    # agency it passed through read the whole case and the sender's name and phone
    complaint = (
        Complaint.objects.visible_to(user).filter(source_petition=petition).first()
        if petition.moved_to_complaints
        else None
    )
    sealed = petition.moved_to_complaints and complaint is None
    ctx: dict[str, Any] = {
        "petition": petition,
        "complaint": complaint,
        "sealed": sealed,
        "can": can,
        "events": petition.events.select_related("agency").order_by("seq"),
        "notes": petition.notes.select_related("author"),
        "attachments": petition.attachments.all(),
        "templates": ResponseTemplate.objects.filter(active=True, category=petition.category),
        "confirm_form": ConfirmForm(
            posted if failed == "confirm" else None,
            initial={
                "category": petition.category,
                "agency": petition.agency,
                "topic": petition.topic,
            },
        ),
        "transfer_form": TransferForm(posted if failed == "transfer" else None),
        "reclassify_form": ReclassifyForm(posted if failed == "reclassify" else None),
        "failed": failed,
        "posted": posted or {},
        "returned": _returned_answer(petition),
        "repeats": petition.repeats.exclude(pk=petition.pk).order_by("received_at")[:10],
        "assignees": common.possible_assignees(petition.agency_id) if petition.agency_id else [],
    }
    return render(request, "feedback/detail.html", ctx)


# what the person is told once an action went through (an unknown action is a 404 before)
PETITION_DONE = {
    "confirm": gettext_lazy("Classification confirmed: the petition is being handled."),
    "assign": gettext_lazy("The petition is assigned."),
    "reject": gettext_lazy("The petition is refused; the petitioner is told why."),
    "request_info": gettext_lazy("The question is sent to the petitioner."),
    "receive_info": gettext_lazy("The information is recorded; handling resumes."),
    "transfer": gettext_lazy("The petition is transferred to the other agency."),
    "answer": gettext_lazy("The answer is recorded; it awaits the leader's publication."),
    "return_answer": gettext_lazy("The answer is sent back to the assignee for correction."),
    "publish": gettext_lazy("The answer is published."),
    "merge": gettext_lazy("The petition is merged into the other one."),
    "note": gettext_lazy("Note added."),
}


@login_required
@require_POST
def act(request: HttpRequest, code: str, action: str) -> HttpResponse:
    """One POST endpoint per handling action; the service decides whether it is allowed."""
    staff_required(request)
    petition = _visible_petition(request, code)
    user, post = request.user, request.POST

    def handle() -> HttpResponse | None:
        if action == "confirm":
            form = ConfirmForm(post)
            if not form.is_valid():
                raise DomainError(
                    _("Check the classification form: %(errors)s")
                    % {"errors": form.errors.as_text()}
                )
            petitions.confirm_routing(
                petition,
                actor=user,
                category=form.cleaned_data["category"],
                topic=form.cleaned_data["topic"],
                agency=form.cleaned_data["agency"],
                note=form.cleaned_data["note"],
            )
        elif action == "assign":
            data = rendering.cleaned_data(AssignForm(post), _("Choose who handles it."))
            petitions.assign(petition, actor=user, assignee=data["assignee"])
        elif action == "reject":
            petitions.reject(petition, actor=user, reason=post.get("reason", ""))
        elif action == "request_info":
            petitions.request_info(petition, actor=user, question=post.get("question", ""))
        elif action == "receive_info":
            petitions.receive_info(petition, actor=user, info=post.get("info", ""))
        elif action == "transfer":
            data = rendering.cleaned_data(
                TransferForm(post), _("Choose the agency and give a reason.")
            )
            petitions.transfer(
                petition, actor=user, to_agency=data["agency"], reason=data["reason"]
            )
        elif action == "answer":
            petitions.answer(petition, actor=user, text=post.get("answer", ""))
        elif action == "publish":
            petitions.publish(petition, actor=user)
        elif action == "return_answer":
            petitions.return_answer(petition, actor=user, reason=post.get("reason", ""))
        elif action == "merge":
            into = (
                Petition.objects.visible_to(user).filter(code=post.get("into", "").strip()).first()
            )
            if into is None:
                raise DomainError(
                    _("No petition you can see has the code %(code)s.")
                    % {"code": post.get("into", "")}
                )
            petitions.merge(petition, actor=user, into=into)
        elif action == "note":
            petitions.add_note(petition, actor=user, text=post.get("text", ""))
        elif action == "reclassify":
            data = rendering.cleaned_data(
                ReclassifyForm(post), _("Choose the kind and name what is complained about.")
            )
            complaint = complaint_register.reclassify_as_complaint(petition, actor=user, **data)
            messages.success(
                request,
                _("Moved to the complaints register as %(code)s.") % {"code": complaint.code},
            )
            return redirect("feedback:detail", code=code)
        else:
            raise Http404
        return None

    try:
        answer = handle()
    except DomainError as exc:
        # refused: the page again with the action's form as it was sent, not a redirect
        # that emptied it (a long answer or a transfer's reason had to be typed again)
        messages.error(request, exc.message)
        petition = _visible_petition(request, code)
        return _detail_page(request, petition, failed=action)
    if answer is not None:
        return answer
    messages.success(request, str(PETITION_DONE.get(action, gettext_lazy("Saved."))))
    return redirect("feedback:detail", code=code)


@login_required
def attachment(request: HttpRequest, pk: int) -> FileResponse:
    item = get_object_or_404(PetitionAttachment.objects.select_related("petition"), pk=pk)
    if not Petition.objects.visible_to(request.user).filter(pk=item.petition_id).exists():
        raise Http404
    if _sealed(request.user, item.petition):
        raise Http404  # moved to the complaints register: its files go with the case
    return FileResponse(
        item.file.open("rb"),
        as_attachment=True,
        filename=item.original_name,
        content_type=item.content_type,
    )


# -- dashboard --------------------------------------------------------------------------------
# how the agencies' table is ordered: by name, or the ones needing attention first (the lowest
# on-time or satisfaction rate, the most overdue); an agency without a rate comes last
AGENCY_SORTS: dict[str, Any] = {
    "name": None,
    "on_time": lambda r: (r["on_time_rate"] is None, r["on_time_rate"] or 0),
    "overdue": lambda r: -r["overdue"],
    "satisfaction": lambda r: (r["satisfaction_rate"] is None, r["satisfaction_rate"] or 0),
}


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    staff_required(request)
    date_from, date_to = day_or(request.GET.get("from"), None), day_or(request.GET.get("to"), None)
    qs = reports.petitions_in(Petition.objects.handled_by_staff(request.user), date_from, date_to)
    board = reports.build(qs)
    sort = request.GET.get("sort", "")
    if sort not in AGENCY_SORTS:
        sort = "name"
    if sort != "name":  # the query already orders by name, in the database's collation
        board.by_agency.sort(key=AGENCY_SORTS[sort])  # stable: ties stay in name order
    if request.GET.get("format") == "xlsx":
        title = _("Petitions %(from)s – %(to)s") % {
            "from": common.day_text(date_from) if date_from else "…",
            "to": common.day_text(date_to) if date_to else "…",
        }
        response = HttpResponse(
            reports.to_excel(board, title=title),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = 'attachment; filename="phan-anh-kien-nghi.xlsx"'
        return response
    return render(
        request,
        "feedback/dashboard.html",
        {
            "board": board,
            "date_from": date_from,
            "date_to": date_to,
            "query": request.GET.urlencode(),
            "sort": sort,
            "sorts": [
                ("name", _("Agency name")),
                ("on_time", _("Lowest on-time rate")),
                ("overdue", _("Most overdue")),
                ("satisfaction", _("Lowest satisfaction rate")),
            ],
            "period": {k: v for k, v in request.GET.items() if k in ("from", "to")},
        },
    )
