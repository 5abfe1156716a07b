"""Collecting questionnaires in every mode, double keying of paper forms, review and
corrections. Every write is a service: checks, locks, one ResponseEvent/PaperFormEvent.

Anonymity (issue 13.5): a response never stores a name, phone, ID or a reference to the
sampled person or dossier. At a personal link's submission the person's row only learns
"returned" (no time, no response number), and no event names the person, so no query can
join a response back to an applicant.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cchc.core import events
from cchc.core.actors import SystemActor, actor_label, actor_user
from cchc.core.errors import (
    DomainError,
    NotFound,
    TransitionNotAllowed,
    ValidationFailed,
)
from cchc.surveys import live
from cchc.surveys.files import is_upload, store_answer_file, store_uploads
from cchc.surveys.methods import MethodSpec, condition_met
from cchc.surveys.models import (
    Campaign,
    Keying,
    Mode,
    PaperForm,
    PaperFormEvent,
    Question,
    Quota,
    Response,
    ResponseEvent,
    SampledPerson,
)
from cchc.surveys.policies import require_collector, require_home_affairs
from cchc.surveys.sampling import stratum_labels

RESPONDENT = SystemActor("respondent", gettext_lazy("Respondent (online)"))


class QuotaFull(DomainError):
    code = "quota_full"
    status = 409


class AlreadyAnswered(DomainError):
    code = "already_answered"
    status = 409


def _questions(campaign: Campaign) -> list[Question]:
    return list(
        Question.objects.filter(section__questionnaire=campaign.questionnaire_id)
        .select_related("item", "section")
        .order_by("-section__screening", "section__order", "section_id", "order", "pk")
    )


def _has_uploads(answers: Any) -> bool:
    return isinstance(answers, dict) and any(is_upload(v) for v in answers.values())


def _store_uploads(campaign: Campaign, answers: Any) -> Any:
    """Store the files given to the questionnaire's file items before the submission's
    transaction (files.py: their rows must survive a refused questionnaire)."""
    if not _has_uploads(answers):
        return answers
    return store_uploads((q.item.code for q in _questions(campaign) if q.item.is_file), answers)


def check_answers(campaign: Campaign, answers: dict[str, Any]) -> dict[str, Any]:
    """Refuse answers the questionnaire cannot have been given: unknown items, answers off
    the item's scale or options, required questions left blank when shown. Returns the
    answers without blanks."""
    if not isinstance(answers, dict):
        raise ValidationFailed(_("The answers must be a set of item codes and values."))
    questions = _questions(campaign)
    by_code = {q.item.code: q for q in questions}
    unknown = sorted(set(answers) - set(by_code))
    if unknown:
        raise ValidationFailed(
            _("These items are not in the questionnaire: %(codes)s.")
            % {"codes": ", ".join(unknown)}
        )
    spec = MethodSpec(campaign.method, {})
    clean = {k: v for k, v in answers.items() if v not in (None, "", [], {})}
    for q in questions:
        value = clean.get(q.item.code)
        if value is not None and q.item.is_file and is_upload(value):
            value = clean[q.item.code] = store_answer_file(value, field=q.item.code)
        spec.check_answer(q.item, value)
        shown = condition_met(q.section.condition, clean) and condition_met(q.condition, clean)
        if q.required and shown and value is None:
            raise ValidationFailed(
                _("Question %(code)s must be answered.") % {"code": q.item.code},
                field=q.item.code,
            )
        if q.required and shown and q.item.is_matrix and len(value or {}) < len(q.item.matrix_rows):
            raise ValidationFailed(
                _("Every row of question %(code)s must be answered.") % {"code": q.item.code},
                field=q.item.code,
            )
    return clean


def _validity(campaign_method: Any, answers: dict[str, Any]) -> tuple[bool, int, str]:
    spec = MethodSpec.load(campaign_method)
    return (
        spec.is_valid_questionnaire(answers),
        spec.count_valid(answers),
        spec.score_vector(answers),
    )


PAPER_MODES = (Mode.PAPER_POST, Mode.PAPER_HOME, Mode.PAPER_DESK)
# what survey staff enter as it is answered (`enter_response`): an interview, or a session at
# the desk's kiosk or paper form they supervise; online answers come from the respondents
ENTERED_MODES = (Mode.PHONE, Mode.INTERVIEW, Mode.KIOSK, Mode.PAPER_DESK)


def _quotas(campaign: Campaign, agency: Any, stratum: str) -> Any:
    """The unit's quotas a questionnaire of `stratum` counts toward: the whole-unit quota
    ('*') whatever the channel, and its stratum's own quota when the stratum is known (a
    sampled person's invitation link, an interview of a sampled person)."""
    return Quota.objects.filter(
        campaign=campaign, agency=agency, stratum__in={stratum, "*"}
    ).order_by("-stratum")  # the stratum's own quota before '*'


def _quota_full_message(agency: Any, quota: Quota) -> str:
    # the stratum as the progress table shows it ("toàn đơn vị", "Hộ tịch · Trực tuyến")
    label = stratum_labels({quota.stratum}, in_sentence=True)[quota.stratum]
    return _("The quota of %(unit)s (%(stratum)s) is already full: no more answers are taken.") % {
        "unit": agency.name,
        "stratum": label,
    }


def _take_quota(campaign: Campaign, agency: Any, stratum: str) -> str:
    """Count the response for the unit's whole-unit quota and for its stratum's quota (each
    when set); refuse when either is full. Every valid questionnaire counts toward the
    whole-unit quota, whatever the channel (invitation, open link, paper, interview, kiosk):
    it is the unit's target of returns. Returns the most specific stratum counted for ('' without
    a quota)."""
    quotas = list(_quotas(campaign, agency, stratum).select_for_update())
    for quota in quotas:
        if quota.is_full:
            raise QuotaFull(_quota_full_message(agency, quota))
    Quota.objects.filter(pk__in=[q.pk for q in quotas]).update(filled=F("filled") + 1)
    return quotas[0].stratum if quotas else ""


def _recount_quota(response: Response) -> dict[str, str]:
    """Keep the unit's quotas equal to the questionnaires that count, after a correction or a
    review changed whether this one does: it counts while it is valid and not rejected
    (domain.md §6: invalid questionnaires are excluded from every figure). A rejected or
    now-invalid questionnaire gives its place back, so a unit's collection is not stopped as
    "full" by forms that do not count; one accepted again (or corrected into a valid one)
    takes it again, for the stratum it counted for before (kept in the event that gave it
    back), even when the quota has filled up since: a correction never loses an answer.
    Inside the caller's transaction, with the response locked. Returns the event's data."""
    campaign = response.campaign
    if campaign is None:
        return {}
    counts = response.valid and response.review != Response.Review.REJECTED
    if not counts and response.quota_stratum:
        released = response.quota_stratum
        quotas = _quotas(campaign, response.agency, released).select_for_update()
        Quota.objects.filter(pk__in=[q.pk for q in quotas], filled__gt=0).update(
            filled=F("filled") - 1
        )
        response.quota_stratum = ""
        return {"quota_released": released}
    if counts and not response.quota_stratum:
        before = [
            e.data.get("quota_released")
            for e in response.events.order_by("-seq")
            if (e.data or {}).get("quota_released")
        ]
        quotas = list(
            _quotas(campaign, response.agency, before[0] if before else "*").select_for_update()
        )
        if not quotas:
            return {}
        Quota.objects.filter(pk__in=[q.pk for q in quotas]).update(filled=F("filled") + 1)
        response.quota_stratum = quotas[0].stratum
        return {"quota_taken": response.quota_stratum}
    return {}


def _record(
    campaign: Campaign,
    *,
    agency: Any,
    mode: str,
    answers: dict[str, Any],
    actor: Any,
    stratum: str = "*",
    nonce: str | None = None,
    device_key: str = "",
    collector: Any = None,
    note: str = "",
    data: dict[str, Any] | None = None,
) -> Response:
    """Inside the caller's transaction, with the campaign locked."""
    if campaign.status != Campaign.Status.OPEN:
        raise TransitionNotAllowed(_("The survey is closed: answers are no longer taken."))
    if not campaign.units.filter(agency=agency).exists():
        raise ValidationFailed(_("This unit is not surveyed by the campaign."), field="agency")
    if mode not in campaign.modes:
        raise ValidationFailed(_("This campaign does not collect in this mode."), field="mode")
    clean = check_answers(campaign, answers)
    if mode not in PAPER_MODES and not any(v not in (None, "", [], {}) for v in clean.values()):
        # a mis-click, not a returned blank form (a blank paper form is recorded, as invalid)
        raise ValidationFailed(_("The questionnaire has no answer yet: nothing was recorded."))
    valid, valid_items, scored = _validity(campaign.method, clean)
    # a quota counts the questionnaires that count (domain.md §6: invalid ones are excluded
    # from every figure), so blank or half-empty forms cannot fill a unit's quota
    counted = _take_quota(campaign, agency, stratum) if valid else ""
    who = collector if collector is not None else actor
    response = Response.objects.create(
        code=f"{campaign.code}-{secrets.token_hex(6).upper()}",
        campaign=campaign,
        method=campaign.method,
        questionnaire=campaign.questionnaire,
        period=campaign.period,
        agency=agency,
        mode=mode,
        collector=actor_user(who),
        collector_label=actor_label(who),
        collected_at=timezone.now(),
        answers=clean,
        scored=scored,
        valid=valid,
        valid_items=valid_items,
        quota_stratum=counted,
        nonce=nonce or None,
        device_key=device_key,
    )
    events.append_event(
        ResponseEvent,
        response,
        action="submit",
        actor=actor,
        note=note,
        data={"answers": clean, "mode": mode, **(data or {})},
        save=True,
    )
    live.changed(campaign.pk)
    return response


def reason_not_to_start(
    campaign: Campaign,
    *,
    agency: Any,
    stratum: str = "*",
    person: SampledPerson | None = None,
    device_key: str = "",
    mode: str = Mode.ONLINE,
) -> str | None:
    """What a respondent would be told on submitting, told before they start answering (the
    link already used, the campaign closed, this device's answers on the open link used up, the
    unit's quota full), or None. Only a read: the submission checks all of it again under the
    lock, so a quota filled in the meantime still refuses."""
    if person is not None and person.status == SampledPerson.Status.RETURNED:
        return _("This questionnaire has already been answered. Thank you.")
    if not campaign.is_open:
        return _("The survey is closed: answers are no longer taken.")
    # refused on submitting too (_record): said before a whole questionnaire is filled in
    # for nothing (an open link with a unit code mistyped, a kiosk the campaign does not use)
    if not campaign.units.filter(agency=agency).exists():
        return _("This unit is not surveyed by the campaign.")
    if mode not in campaign.modes:
        return _("This campaign does not collect in this mode.")
    if (
        mode == Mode.ONLINE
        and device_key
        and Response.objects.filter(campaign=campaign, device_key=device_key).count()
        >= campaign.open_link_limit
    ):
        return _("This device has already answered the survey. Thank you.")
    for quota in _quotas(campaign, agency, stratum):
        if quota.is_full:
            return _quota_full_message(agency, quota)
    return None


def _replayed(nonce: str | None) -> Response | None:
    return Response.objects.filter(nonce=nonce).first() if nonce else None


def _once(nonce: str | None, record: Callable[[], Response]) -> Response:
    """Run `record` in a transaction once per nonce (the form's, sent with the answers): the
    same form sent again (a double click, a retry after a lost answer) gets the response
    already recorded, also when both arrive at once and the unique nonce refuses the second
    insert."""
    try:
        with transaction.atomic():
            if (earlier := _replayed(nonce)) is not None:
                return earlier
            return record()
    except IntegrityError:
        if (earlier := _replayed(nonce)) is None:
            raise
        return earlier


def person_by_token(token: str) -> SampledPerson:
    person = (
        SampledPerson.objects.select_related("sample__campaign", "sample__agency")
        .filter(token=token)
        .first()
        if token and len(token) <= 64
        else None
    )
    if person is None:
        raise NotFound(_("This survey link is not valid. Please check the link on your letter."))
    return person


def submit_personal(token: str, *, answers: dict[str, Any], nonce: str | None = None) -> Response:
    """The sampled person's own link (letter QR code, SMS, e-mail)."""
    if _has_uploads(answers):
        answers = _store_uploads(person_by_token(token).sample.campaign, answers)

    def record() -> Response:
        person = person_by_token(token)
        campaign = events.lock(person.sample.campaign)
        person = SampledPerson.objects.select_for_update().get(pk=person.pk)
        if person.status == SampledPerson.Status.RETURNED:
            raise AlreadyAnswered(_("This questionnaire has already been answered. Thank you."))
        response = _record(
            campaign,
            agency=person.sample.agency,
            mode=Mode.ONLINE,
            answers=answers,
            actor=RESPONDENT,
            stratum=person.stratum,
            nonce=nonce,
        )
        # the sample list learns "returned", nothing else (anonymity)
        person.status = SampledPerson.Status.RETURNED
        person.save(update_fields=["status"])
        return response

    return _once(nonce, record)


def submit_open(
    campaign: Campaign,
    *,
    open_token: str,
    agency: Any,
    answers: dict[str, Any],
    device_key: str,
    nonce: str | None = None,
    mode: str = Mode.ONLINE,
) -> Response:
    """The open link (or a kiosk at the one-stop section): limited per device."""
    if not open_token or not secrets.compare_digest(open_token, campaign.open_token):
        raise NotFound(_("This survey link is not valid. Please check the link on your letter."))
    if not device_key:
        raise ValidationFailed(_("Your browser must accept cookies to answer on the open link."))
    answers = _store_uploads(campaign, answers)

    def record() -> Response:
        locked = events.lock(campaign)
        used = Response.objects.filter(campaign=locked, device_key=device_key).count()
        if mode == Mode.ONLINE and used >= locked.open_link_limit:
            raise AlreadyAnswered(_("This device has already answered the survey. Thank you."))
        return _record(
            locked,
            agency=agency,
            mode=mode,
            answers=answers,
            actor=RESPONDENT,
            nonce=nonce,
            device_key=device_key,
        )

    return _once(nonce, record)


def enter_response(
    campaign: Campaign,
    *,
    agency: Any,
    mode: str,
    answers: dict[str, Any],
    actor: Any,
    stratum: str = "*",
    nonce: str | None = None,
) -> Response:
    """An enumerator's phone or face-to-face interview, or a kiosk session it supervises."""
    require_collector(actor, campaign.province_code)
    if mode in PAPER_MODES and mode not in ENTERED_MODES:
        raise ValidationFailed(_("Paper forms by post or home delivery are keyed twice."))
    if mode not in ENTERED_MODES:
        raise ValidationFailed(
            _("Online answers are given by the respondents themselves, on their link."),
            field="mode",
        )
    answers = _store_uploads(campaign, answers)
    return _once(
        nonce,
        lambda: _record(
            events.lock(campaign),
            agency=agency,
            mode=mode,
            answers=answers,
            actor=actor,
            stratum=stratum,
            nonce=nonce,
        ),
    )


# -- paper forms: double keying -----------------------------------------------------------
def differences(first: dict[str, Any], second: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {"item": code, "first": first.get(code), "second": second.get(code)}
        for code in sorted(set(first) | set(second))
        if first.get(code) != second.get(code)
    ]


def key_paper_form(
    campaign: Campaign,
    *,
    number: str,
    agency: Any,
    mode: str,
    answers: dict[str, Any],
    actor: Any,
) -> PaperForm:
    """One clerk's keying of a paper form. The second keying, by another clerk, is compared
    with the first: equal → the response is recorded; different → the supervisor decides."""
    require_collector(actor, campaign.province_code)
    if mode not in PAPER_MODES:
        raise ValidationFailed(_("Only paper forms are keyed."), field="mode")
    number = (number or "").strip()
    if not number:
        raise ValidationFailed(_("The form number is missing."), field="number")
    answers = _store_uploads(campaign, answers)
    with transaction.atomic():
        campaign = events.lock(campaign)
        if campaign.status != Campaign.Status.OPEN:
            raise TransitionNotAllowed(_("The survey is closed: answers are no longer taken."))
        clean = check_answers(campaign, answers)
        form, created = PaperForm.objects.get_or_create(
            campaign=campaign, number=number, defaults={"agency": agency, "mode": mode}
        )
        form = events.lock(form)
        if not created and form.agency_id != agency.pk:
            raise ValidationFailed(
                _("Form %(number)s was keyed for %(unit)s: check the unit written on the form.")
                % {"number": number, "unit": form.agency.name},
                field="agency",
            )
        if form.status != PaperForm.Status.KEYING:
            raise TransitionNotAllowed(_("This form has already been keyed twice."))
        first = form.keyings.first()
        if first is not None and first.clerk_id == getattr(actor, "pk", None):
            raise ValidationFailed(_("The second keying is done by another clerk."))
        keying = Keying.objects.create(
            form=form,
            round=2 if first else 1,
            clerk=actor,
            answers=clean,
            keyed_at=timezone.now(),
        )
        events.append_event(
            PaperFormEvent, form, action=f"key{keying.round}", actor=actor, data={"answers": clean}
        )
        if first is not None:
            diff = differences(first.answers, clean)
            if diff:
                form.status = PaperForm.Status.DISPUTED
                form.differences = diff
                events.append_event(
                    PaperFormEvent, form, action="disputed", actor=actor, data={"items": diff}
                )
            else:
                form.response = _record(
                    campaign,
                    agency=agency,
                    mode=form.mode,
                    answers=clean,
                    actor=actor,
                    note=_("double keying agreed"),
                    data={"form": number},
                )
                form.status = PaperForm.Status.DONE
        form.save()
        return form


def resolve_paper_form(
    form: PaperForm, *, resolution: dict[str, Any], actor: Any, note: str = ""
) -> PaperForm:
    """The supervisor decides each disputed item from the paper form; the response is then
    recorded with the first keying's agreed answers and the supervisor's decisions."""
    require_home_affairs(actor, form.campaign.province_code)
    with transaction.atomic():
        campaign = events.lock(form.campaign)
        form = events.lock(form)
        if form.status != PaperForm.Status.DISPUTED:
            raise TransitionNotAllowed(_("This form has no differences to resolve."))
        disputed = {d["item"] for d in form.differences}
        missing = sorted(disputed - set(resolution))
        if missing:
            raise ValidationFailed(
                _("Decide every disputed item: %(codes)s.") % {"codes": ", ".join(missing)}
            )
        extra = sorted(set(resolution) - disputed)
        if extra:
            raise ValidationFailed(
                _("Only disputed items are decided here: %(codes)s.") % {"codes": ", ".join(extra)}
            )
        final = dict(form.keyings.get(round=1).answers)
        for code, value in resolution.items():
            if value in (None, ""):
                final.pop(code, None)
            else:
                final[code] = value
        events.append_event(
            PaperFormEvent,
            form,
            action="resolve",
            actor=actor,
            note=note,
            data={"items": resolution},
        )
        form.response = _record(
            campaign,
            agency=form.agency,
            mode=form.mode,
            answers=final,
            actor=actor,
            note=_("differences resolved by the supervisor"),
            data={"form": form.number},
        )
        form.status = PaperForm.Status.DONE
        form.save()
        return form


# -- review and corrections ---------------------------------------------------------------
def review_responses(
    responses: list[Response], *, decision: str, actor: Any, reason: str = ""
) -> int:
    """Accept or reject responses in bulk; a rejection names its reason."""
    if decision not in (Response.Review.ACCEPTED, Response.Review.REJECTED):
        raise ValidationFailed(_("Unknown review decision."))
    if decision == Response.Review.REJECTED and not reason.strip():
        raise ValidationFailed(_("A rejection gives its reason."), field="reason")
    done = 0
    campaigns: set[int | None] = set()
    with transaction.atomic():
        for response in responses:
            require_home_affairs(actor, response.agency.province_code)
            response = events.lock(response)
            before = response.review
            response.review = decision
            response.review_reason = reason if decision == Response.Review.REJECTED else ""
            events.append_event(
                ResponseEvent,
                response,
                action="review",
                actor=actor,
                note=reason,
                data={"from": before, "to": decision, **_recount_quota(response)},
                save=["review", "review_reason", "quota_stratum"],
            )
            campaigns.add(response.campaign_id)
            done += 1
        for campaign_id in campaigns:
            live.changed(campaign_id)
    return done


def edit_response(
    response: Response, *, answers: dict[str, Any], actor: Any, reason: str
) -> Response:
    """Correct a submitted response; the event keeps the old and new answers, who and why."""
    require_home_affairs(actor, response.agency.province_code)
    if not reason.strip():
        raise ValidationFailed(_("A correction gives its reason."), field="reason")
    if response.campaign is not None:
        answers = _store_uploads(response.campaign, answers)
    with transaction.atomic():
        response = events.lock(response)
        if response.campaign is not None:
            clean = check_answers(response.campaign, answers)
        else:
            clean = {k: v for k, v in answers.items() if v not in (None, "", [])}
        old = response.answers
        response.answers = clean
        response.valid, response.valid_items, response.scored = _validity(response.method, clean)
        events.append_event(
            ResponseEvent,
            response,
            action="edit",
            actor=actor,
            note=reason,
            data={"before": old, "after": clean, **_recount_quota(response)},
            save=["answers", "scored", "valid", "valid_items", "quota_stratum"],
        )
        live.changed(response.campaign_id)
        return response
