"""What several survey page modules share: the questionnaire's questions in the order a
respondent meets them, grouped by section; the questionnaire page of a campaign (the
respondent's form and staff entry); a campaign the user may collect for, else 403."""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from cchc.surveys.models import Campaign, Question, Questionnaire
from cchc.surveys.policies import can_collect, can_follow


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


def _campaign_for(request: HttpRequest, code: str) -> Campaign:
    campaign = get_object_or_404(
        Campaign.objects.select_related("method", "questionnaire"), code=code
    )
    if not can_collect(request.user, campaign.province_code):
        raise PermissionDenied
    return campaign


def _campaign_to_follow(request: HttpRequest, code: str) -> Campaign:
    """A campaign whose page and progress the user may read: survey staff and the province's
    inspectors (read-only), else 403."""
    campaign = get_object_or_404(
        Campaign.objects.select_related("method", "questionnaire"), code=code
    )
    if not can_follow(request.user, campaign.province_code):
        raise PermissionDenied
    return campaign
