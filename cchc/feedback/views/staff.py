"""Pages for citizens (file, follow, read and rate answers, reception schedule) and staff
(queues, logging, handling, complaints register, dashboard). Views are thin: every write is a
call to a service module (intake, petitions, complaints, reception), whose DomainError messages are shown to the user as they are."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from cchc.accounts import permissions
from cchc.accounts.models import Membership, User
from cchc.agencies.models import Agency
from cchc.core import rendering
from cchc.core.calendar import LOCAL_TZ
from cchc.core.errors import DomainError
from cchc.core.htmx import is_htmx, render_page, work_card
from cchc.core.idempotency import once_per_form
from cchc.core.params import day_or
from cchc.core.text import matches_folded
from cchc.feedback import common, intake, petitions, reports, throttle
from cchc.feedback import complaints as complaint_register
from cchc.feedback import reception as reception_schedule
from cchc.feedback.forms import (
    ComplaintForm,
    ConfirmForm,
    LogPetitionForm,
    PetitionForm,
    PetitionLookupForm,
    ReceptionForm,
    ReclassifyForm,
    TransferForm,
)
from cchc.feedback.models import (
    Category,
    Complaint,
    Petition,
    PetitionAttachment,
    PetitionStatus,
    PetitionVote,
    ReceptionSlot,
    ResponseTemplate,
)
from cchc.feedback.text import redact

PAGE_SIZE = 20


def _page(request: HttpRequest, qs):  # type: ignore[no-untyped-def]
    return Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))


def _form_page(
    request: HttpRequest, form: Any, heading: str, save: Callable[[dict[str, Any]], HttpResponse]
) -> HttpResponse:
    return rendering.form_page(request, "feedback/form_page.html", form, save, heading=heading)


def _file_petition(
    data: dict[str, Any], *, channel: str, actor: Any, account: Any = None, **more: Any
) -> Petition:
    """File the petition a petition form describes (the public form and the staff log share
    these fields); `account`: the petitioner's own account, `more`: the form's other fields."""
    return intake.file_petition(
        channel=channel,
        category=data["topic"].category,
        topic=data["topic"],
        agency=data["agency"],
        title=data["title"],
        description=data["description"],
        dossier_code=data["dossier_code"],
        petitioner=intake.Petitioner(
            name=data["petitioner_name"],
            phone=data["petitioner_phone"],
            email=data["petitioner_email"],
            user=account,
        ),
        actor=actor,
        address=data["address"],
        lat=data["lat"],
        long=data["long"],
        **more,
    )


# -- citizens ---------------------------------------------------------------------------------
@once_per_form
def submit(request: HttpRequest) -> HttpResponse:
    """The public web form: no login needed; rate-limited per IP and per account."""
    form = PetitionForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data.get("website"):
            raise PermissionDenied  # honeypot filled: a robot
        ip_ok = throttle.hit("ip", throttle.client_ip(request))
        account_ok = (
            throttle.hit("account", str(request.user.pk)) if request.user.is_authenticated else True
        )
        if not (ip_ok and account_ok):
            form.add_error(
                None,
                _(
                    "Too many petitions have been sent from here recently. Please try again later or call the hotline."
                ),
            )
            return render(request, "feedback/submit.html", {"form": form}, status=429)
        try:
            petition = _file_petition(
                form.cleaned_data,
                channel="WEB",
                actor=request.user,  # the visitor, signed in or not
                account=request.user if request.user.is_authenticated else None,
                attachments=form.cleaned_data["attachments"],
            )
        except DomainError as exc:
            rendering.add_domain_error(form, exc)
        else:
            messages.success(
                request,
                _(
                    "Your petition has been received with code %(code)s. Keep this page's address to follow it."
                )
                % {"code": petition.code},
            )
            return redirect("feedback:track", token=petition.token)
    return render(
        request, "feedback/submit.html", {"form": form}, status=400 if form.errors else 200
    )


def lookup(request: HttpRequest) -> HttpResponse:
    """Find one's petition again (the tracking link lost) by its code and the phone or e-mail
    given with it. Wrong answers are counted per code and per address; the answer is the same
    whether the code exists or not."""
    form = PetitionLookupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code, contact = form.cleaned_data["code"], form.cleaned_data["contact"]
        ip = throttle.client_ip(request)
        if throttle.reached("lookup_code", code) or throttle.reached("lookup_ip", ip):
            form.add_error(
                None,
                _(
                    "Too many wrong look-ups for this code or from this connection. Please try "
                    "again in 15 minutes, or call the hotline."
                ),
            )
            return render(request, "feedback/lookup.html", {"form": form}, status=429)
        petition = (
            Petition.objects.filter(code=code)
            .only("token", "petitioner_phone_hash", "petitioner_email_hash")
            .first()
        )
        if petition is not None and common.contact_matches(petition, contact):
            return redirect("feedback:track", token=petition.token)
        throttle.hit("lookup_code", code)
        throttle.hit("lookup_ip", ip)
        form.add_error(
            None,
            _("No petition has this code with this phone or e-mail. Check both and try again."),
        )
    return render(
        request, "feedback/lookup.html", {"form": form}, status=400 if form.errors else 200
    )


def track(request: HttpRequest, token: str) -> HttpResponse:
    petition = get_object_or_404(Petition.objects.select_related("agency", "topic"), token=token)
    return render(request, "feedback/track.html", {"petition": petition})


def answers(request: HttpRequest) -> HttpResponse:
    """Published answers, searchable without diacritics (\"thu tuc\" finds \"thủ tục\")."""
    qs = Petition.objects.published().select_related("agency", "topic").order_by("-published_at")
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(matches_folded("search_text", q))
    category = request.GET.get("category", "")
    if category in Category.values:
        qs = qs.filter(category=category)
    return render_page(
        request,
        "feedback/answers.html",
        {"page": _page(request, qs), "q": q, "category": category, "categories": Category.choices},
        fragment="feedback/_answer_list.html",
    )


def _voter_key(request: HttpRequest) -> str:
    if request.user.is_authenticated:
        return f"user:{request.user.pk}"
    if not request.session.session_key:
        request.session["feedback_voter"] = True
        request.session.save()
    return f"session:{request.session.session_key}"


def _public_petition(code: str) -> Petition:
    return get_object_or_404(
        Petition.objects.published().select_related("agency", "topic"), code=code
    )


def answer_detail(request: HttpRequest, code: str) -> HttpResponse:
    petition = _public_petition(code)
    my_vote = None
    key = (
        f"user:{request.user.pk}"
        if request.user.is_authenticated
        else (f"session:{request.session.session_key}" if request.session.session_key else "")
    )
    if key:
        my_vote = (
            PetitionVote.objects.filter(petition=petition, voter_key=key)
            .values_list("value", flat=True)
            .first()
        )
    return render(
        request,
        "feedback/answer_detail.html",
        {
            "petition": petition,
            "title": redact(petition.title),
            "description": redact(petition.description),
            "answer": redact(petition.answer),
            "my_vote": my_vote,
        },
    )


@require_POST
def vote(request: HttpRequest, code: str) -> HttpResponse:
    petition = _public_petition(code)
    value = {"like": 1, "dislike": -1}.get(request.POST.get("value", ""))
    error = ""
    if value is None:
        error = _("Unknown vote.")
    elif not throttle.hit("vote_ip", throttle.client_ip(request)):
        error = _("Too many votes from here recently. Please try again later.")
    else:
        try:
            petition = petitions.vote(
                petition,
                voter_key=_voter_key(request),
                value=value,
                user=request.user if request.user.is_authenticated else None,
            )
        except DomainError as exc:
            error = exc.message
    if not is_htmx(request):
        if error:
            messages.error(request, error)
        else:
            messages.success(request, _("Thank you for rating this answer."))
        return redirect("feedback:answer", code=code)
    return render(
        request,
        "feedback/_votes.html",
        {"petition": petition, "my_vote": value if not error else None, "error": error},
        status=400 if error else 200,
    )


def reception(request: HttpRequest) -> HttpResponse:
    today = timezone.now().astimezone(LOCAL_TZ).date()
    qs = ReceptionSlot.objects.upcoming(today).select_related("agency")
    agency_code = request.GET.get("agency", "")
    if agency_code:
        qs = qs.filter(agency__code=agency_code)
    agencies = Agency.objects.filter(reception_slots__day__gte=today).distinct().order_by("name")
    can_add = request.user.is_authenticated and (
        permissions.is_province_admin(request.user)
        or bool(
            permissions.agency_ids(
                request.user, roles=[Membership.Role.LEADER, Membership.Role.AGENCY_ADMIN]
            )
        )
    )
    return render(
        request,
        "feedback/reception.html",
        {
            "page": _page(request, qs),
            "agencies": agencies,
            "agency_code": agency_code,
            "can_add": can_add,
        },
    )


@login_required
@once_per_form
def reception_new(request: HttpRequest) -> HttpResponse:
    form = ReceptionForm(request.POST or None, user=request.user)

    def save(data: dict[str, Any]) -> HttpResponse:
        reception_schedule.schedule_reception(actor=request.user, **data)
        messages.success(request, _("The reception session has been published."))
        return redirect("feedback:reception")

    return _form_page(request, form, _("New citizen reception session"), save)


# -- staff ------------------------------------------------------------------------------------
def _staff_required(request: HttpRequest) -> None:
    user = request.user
    if not user.is_authenticated:
        raise PermissionDenied
    if not (
        permissions.is_staff_member(user)
        or user.kind in (User.Kind.PROVINCE_ADMIN, User.Kind.INSPECTOR)
        or user.is_superuser
    ):
        raise PermissionDenied


# the work queue's tabs and their names (the page's tab bar, the home page's card)
QUEUE_TABS: dict[str, Any] = {
    "all": gettext_lazy("Open"),
    "mine": gettext_lazy("Assigned to me"),
    "due_soon": gettext_lazy("Due within 3 days"),
    "overdue": gettext_lazy("Overdue"),
    "unrouted": gettext_lazy("To confirm"),
    "to_publish": gettext_lazy("To publish"),
    "closed": gettext_lazy("Closed"),
}


def _in_tab(qs: Any, tab: str, user: Any, now: dt.datetime) -> Any:
    if tab == "mine":
        return qs.filter(assignee=user).open()
    if tab == "due_soon":
        return qs.due_soon(now + dt.timedelta(days=3), now)
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
    _staff_required(request)
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
    _staff_required(request)
    now = timezone.now()
    qs = Petition.objects.handled_by_staff(request.user).select_related("agency", "assignee")
    tab = request.GET.get("tab", "all")
    if tab not in QUEUE_TABS:
        tab = "all"
    qs = _in_tab(qs, tab, request.user, now)
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(matches_folded("search_text", q))
    qs = (
        qs.order_by("handle_due_at", "received_at")
        if tab != "closed"
        else qs.order_by("-received_at")
    )
    return render(
        request,
        "feedback/queue.html",
        {
            "page": _page(request, qs),
            "tab": tab,
            "tabs": QUEUE_TABS,
            "q": q,
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
    _staff_required(request)
    if not permissions.agency_ids(request.user):
        raise PermissionDenied
    form = LogPetitionForm(request.POST or None, user=request.user)

    def save(data: dict[str, Any]) -> HttpResponse:
        petition = _file_petition(
            data,
            channel=data["channel"],
            actor=request.user,
            receiving_agency=data["receiving_agency"],
        )
        messages.success(request, _("Petition %(code)s has been logged.") % {"code": petition.code})
        return redirect("feedback:detail", code=petition.code)

    return _form_page(request, form, _("Log a petition (hotline, counter, letter)"), save)


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
    _staff_required(request)
    petition = _visible_petition(request, code)
    user = request.user
    can = {action: petitions.can(user, action, petition) for action in petitions.ACTION_ROLES}
    ctx: dict[str, Any] = {
        "petition": petition,
        "can": can,
        "events": petition.events.select_related("agency").order_by("seq"),
        "notes": petition.notes.select_related("author"),
        "attachments": petition.attachments.all(),
        "templates": ResponseTemplate.objects.filter(active=True, category=petition.category),
        "confirm_form": ConfirmForm(
            initial={
                "category": petition.category,
                "agency": petition.agency,
                "topic": petition.topic,
            }
        ),
        "transfer_form": TransferForm(),
        "reclassify_form": ReclassifyForm(),
        "repeats": petition.repeats.exclude(pk=petition.pk).order_by("received_at")[:10],
        "handlers": User.objects.filter(
            memberships__agency=petition.agency, memberships__role__in=common.HANDLER_ROLES
        ).distinct()
        if petition.agency
        else [],
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
COMPLAINT_DONE = {
    "accept": gettext_lazy("The complaint is accepted for settlement."),
    "extend": gettext_lazy("The settlement time is extended."),
    "settle": gettext_lazy("The settlement is recorded."),
    "refuse": gettext_lazy("The refusal to accept is recorded."),
}


@login_required
@require_POST
def act(request: HttpRequest, code: str, action: str) -> HttpResponse:
    """One POST endpoint per handling action; the service decides whether it is allowed."""
    _staff_required(request)
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
            assignee = User.objects.filter(pk=post.get("assignee") or 0).first()
            if assignee is None:
                raise DomainError(_("Choose who handles it."))
            petitions.assign(petition, actor=user, assignee=assignee)
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

    back = redirect("feedback:detail", code=code)
    return rendering.run_action(
        request, handle, done=str(PETITION_DONE.get(action, gettext_lazy("Saved."))), back=back
    )


@login_required
def attachment(request: HttpRequest, pk: int) -> FileResponse:
    item = get_object_or_404(PetitionAttachment.objects.select_related("petition"), pk=pk)
    if not Petition.objects.visible_to(request.user).filter(pk=item.petition_id).exists():
        raise Http404
    return FileResponse(
        item.file.open("rb"),
        as_attachment=True,
        filename=item.original_name,
        content_type=item.content_type,
    )


# -- complaints register ----------------------------------------------------------------------
@login_required
def complaints(request: HttpRequest) -> HttpResponse:
    qs = Complaint.objects.visible_to(request.user).select_related("agency")
    status = request.GET.get("status", "")
    if status:
        qs = qs.filter(status=status)
    can_file = permissions.is_province_admin(request.user) or bool(
        permissions.agency_ids(request.user, roles=[Membership.Role.LEADER])
    )
    if not (can_file or permissions.is_inspector(request.user) or request.user.is_superuser):
        raise PermissionDenied
    return render(
        request,
        "feedback/complaints.html",
        {"page": _page(request, qs), "can_file": can_file, "now": timezone.now()},
    )


@login_required
@once_per_form
def complaint_new(request: HttpRequest) -> HttpResponse:
    form = ComplaintForm(request.POST or None, user=request.user)

    def save(data: dict[str, Any]) -> HttpResponse:
        complaint = complaint_register.file_complaint(actor=request.user, **data)
        messages.success(request, _("Registered as %(code)s.") % {"code": complaint.code})
        return redirect("feedback:complaint", code=complaint.code)

    return _form_page(request, form, _("Register a complaint or denunciation"), save)


@login_required
def complaint_detail(request: HttpRequest, code: str) -> HttpResponse:
    complaint = (
        Complaint.objects.visible_to(request.user)
        .select_related("agency", "source_petition")
        .filter(code=code)
        .first()
    )
    if complaint is None:
        raise Http404
    if request.method == "POST":
        user, post = request.user, request.POST

        def handle() -> None:
            action = post.get("action", "")
            if action == "accept":
                try:
                    complexity = int(post.get("complexity") or 0)
                except ValueError as exc:  # a hand-made post: refused like a service's refusal
                    raise DomainError(str(exc)) from exc
                complaint_register.accept_complaint(complaint, actor=user, complexity=complexity)
            elif action == "extend":
                complaint_register.extend_complaint(
                    complaint, actor=user, reason=post.get("reason", "")
                )
            elif action == "settle":
                complaint_register.settle_complaint(
                    complaint, actor=user, outcome=post.get("outcome", "")
                )
            elif action == "refuse":
                complaint_register.refuse_complaint(
                    complaint, actor=user, reason=post.get("reason", "")
                )
            else:
                raise DomainError(_("Unknown action."))

        back = redirect("feedback:complaint", code=code)
        done = COMPLAINT_DONE.get(request.POST.get("action", ""), gettext_lazy("Saved."))
        return rendering.run_action(request, handle, done=str(done), back=back)
    return render(
        request,
        "feedback/complaint_detail.html",
        {
            "complaint": complaint,
            "events": complaint.events.order_by("seq"),
            "complexities": Complaint.Complexity.choices,
            "can_act": not permissions.is_inspector(request.user),
        },
    )


# -- dashboard --------------------------------------------------------------------------------
@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    _staff_required(request)
    date_from, date_to = day_or(request.GET.get("from"), None), day_or(request.GET.get("to"), None)
    qs = reports.petitions_in(Petition.objects.handled_by_staff(request.user), date_from, date_to)
    board = reports.build(qs)
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
        },
    )
