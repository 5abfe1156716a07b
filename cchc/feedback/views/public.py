"""Citizens' pages, no login needed: file a petition, find it again, follow it, read the
published answers and rate them. Every write is a call to a service (intake, petitions)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cchc.core import rendering
from cchc.core.errors import DomainError
from cchc.core.htmx import is_htmx, render_page
from cchc.core.idempotency import once_per_form
from cchc.core.text import matches_folded
from cchc.feedback import common, petitions, replies, throttle
from cchc.feedback.forms import PetitionForm, PetitionLookupForm, ReplyForm
from cchc.feedback.models import Category, Petition, PetitionVote
from cchc.feedback.text import redact
from cchc.feedback.views._shared import file_petition, paged


@once_per_form
def submit(request: HttpRequest) -> HttpResponse:
    """The public web form: no login needed; rate-limited per IP and per account."""
    form = PetitionForm(
        request.POST or None, request.FILES or None, initial=_petitioner_initial(request.user)
    )
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
            petition = file_petition(
                form.cleaned_data,
                channel="WEB",
                actor=request.user,  # the visitor, signed in or not
                account=request.user if request.user.is_authenticated else None,
                attachments=form.cleaned_data["attachments"],
            )
        except DomainError as exc:
            rendering.add_domain_error(form, exc)
        else:
            received = (
                _(
                    "Your petition has been received with code %(code)s. You can follow it under My petitions."
                )
                if request.user.is_authenticated
                else _(
                    "Your petition has been received with code %(code)s. Keep this page's address to follow it."
                )
            )
            messages.success(request, received % {"code": petition.code})
            return redirect("feedback:track", token=petition.token)
    return render(
        request, "feedback/submit.html", {"form": form}, status=400 if form.errors else 200
    )


def _petitioner_initial(user: Any) -> dict[str, str]:
    """A signed-in person's name and contacts, filled in for them: they were typed again on
    every petition although the account holds them."""
    if not user.is_authenticated:
        return {}
    return {
        "petitioner_name": user.full_name,
        "petitioner_phone": user.phone,
        "petitioner_email": user.email,
    }


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    """A signed-in person's own petitions, newest first, each with its state and a link to
    follow it: without it they had to keep every tracking link, or look each one up by its
    code and phone."""
    qs = Petition.objects.filed_by(request.user).select_related("agency").order_by("-received_at")
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(matches_folded("search_text", q))
    return render(request, "feedback/mine.html", {"page": paged(request, qs), "q": q})


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


@once_per_form
def track(request: HttpRequest, token: str) -> HttpResponse:
    """Follow one petition (whoever holds its unguessable link: the sender, from the
    confirmation or from "Petitions I sent"). While the agency waits for information, its
    question is shown and may be answered here (`replies.reply_to_question`)."""
    petition = get_object_or_404(
        Petition.objects.select_related("agency", "topic", "duplicate_of", "complaint"),
        token=token,
    )
    form = ReplyForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                replies.reply_to_question(
                    petition, actor=request.user, token=token, text=form.cleaned_data["text"]
                )
            except DomainError as exc:
                rendering.add_domain_error(form, exc)
            else:
                messages.success(
                    request,
                    _("Your answer has been sent to the agency; the handling time runs again."),
                )
                return redirect("feedback:track", token=token)
        petition.refresh_from_db()
    # what the agency asked, in its words: the page said only that something was asked, so
    # the petitioner waited for a call without knowing what to prepare
    question = (
        petition.events.filter(action="request_info")
        .order_by("-seq")
        .values_list("note", flat=True)
        .first()
        if petition.awaits_information
        else None
    )
    return render(
        request,
        "feedback/track.html",
        {"petition": petition, "question": question, "form": form},
        status=400 if form.errors else 200,
    )


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
        {"page": paged(request, qs), "q": q, "category": category, "categories": Category.choices},
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
