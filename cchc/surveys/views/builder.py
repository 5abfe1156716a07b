"""The questionnaire builder: a new questionnaire on a method's item bank, its sections and
questions, publication and new versions, its log, and the preview."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from cchc.core.errors import DomainError
from cchc.core.rendering import add_domain_error, form_page
from cchc.surveys import questionnaires
from cchc.surveys.forms import OwnQuestionForm, QuestionnaireForm
from cchc.surveys.models import Item, Question, Questionnaire, QuestionnaireEvent, Section
from cchc.surveys.policies import can_see_questionnaires, is_home_affairs
from cchc.surveys.views._shared import _sections


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
