"""Collection in every mode, bad input, anonymity, double keying, review and corrections,
questionnaire versions."""

from functools import partial

import pytest
from django.db import models

from cchc.core.errors import NotFound, NotPermitted, TransitionNotAllowed, ValidationFailed
from cchc.surveys import campaign_settings, collection, questionnaires, sampling, services
from cchc.surveys.models import (
    Keying,
    Mode,
    PaperForm,
    PaperFormEvent,
    Questionnaire,
    Quota,
    Response,
    ResponseEvent,
    SampledPerson,
    Section,
)
from cchc.surveys.tests.conftest import all_items, open_campaign


def drawn(cast, campaign, n=5):
    frame = [
        sampling.FrameEntry(
            key=f"HS-{i}",
            stratum="HT:1",
            person={"name": f"Nguyễn Văn {i}", "phone": f"09{i:08d}", "dossier_code": f"HS-{i}"},
        )
        for i in range(n)
    ]
    return services.draw_sample(
        campaign, agency=cast.agency_b, actor=cast.province_admin, seed="x", frame=frame
    )


def test_personal_link_submits_once_and_cuts_the_link(cast, campaign, method):
    sample = drawn(cast, campaign)
    person = sample.people.filter(reserve=False).first()
    response = collection.submit_personal(person.token, answers=all_items(method, 5), nonce="n1")
    assert response.valid and response.valid_items == 39 and response.mode == Mode.ONLINE
    assert response.agency == cast.agency_b and response.quota_stratum == "HT:1"
    person.refresh_from_db()
    assert person.status == SampledPerson.Status.RETURNED
    # a double click (same form nonce) finds the first submission, nothing is added
    again = collection.submit_personal(person.token, answers=all_items(method, 5), nonce="n1")
    assert again.pk == response.pk and Response.objects.count() == 1
    # a replay of the link with a new form is refused with a clear message
    with pytest.raises(collection.AlreadyAnswered, match="đã được trả lời"):
        collection.submit_personal(person.token, answers=all_items(method, 4), nonce="n2")
    assert Quota.objects.get(campaign=campaign, agency=cast.agency_b, stratum="HT:1").filled == 1


def test_a_guessed_or_tampered_link_is_refused(cast, campaign):
    drawn(cast, campaign)
    for token in ("", "abc", "x" * 200):
        with pytest.raises(NotFound, match="không hợp lệ"):
            collection.submit_personal(token, answers={})
    with pytest.raises(NotFound):
        collection.submit_open(
            campaign, open_token="guess", agency=cast.agency_b, answers={}, device_key="d"
        )


def test_answers_outside_the_scale_leave_nothing_saved(cast, campaign, method):
    sample = drawn(cast, campaign)
    person = sample.people.first()
    for bad in ({"A1": 7}, {"A1": "5"}, {"Q2": [1, 99]}, {"R.age": 5}, {"ZZ9": 1}):
        with pytest.raises(ValidationFailed):
            collection.submit_personal(person.token, answers=all_items(method, 4) | bad)
    assert Response.objects.count() == 0
    assert Quota.objects.get(campaign=campaign, agency=cast.agency_b, stratum="HT:1").filled == 0
    person.refresh_from_db()
    assert person.status == SampledPerson.Status.PENDING
    # 9 "don't know" and 0 are kept as given and count as missing
    r = collection.submit_personal(person.token, answers=all_items(method, 9, A1=4))
    assert r.answers["A1"] == 4 and r.answers["B1"] == 9 and not r.valid and r.valid_items == 1


def test_an_empty_questionnaire_is_refused_and_an_invalid_one_fills_no_quota(
    cast, campaign, method
):
    campaign_settings.set_quota(campaign, agency=cast.agency_a, target=1, actor=cast.province_admin)
    enter = partial(collection.enter_response, campaign, mode=Mode.PHONE, actor=cast.clerk_a)
    with pytest.raises(ValidationFailed, match="chưa có câu trả lời nào"):
        enter(agency=cast.agency_a, answers={})
    assert not Response.objects.exists()
    # one answer out of 39: recorded (a return) but invalid, so it does not count for the quota
    one = dict(list(all_items(method, 4).items())[:1])
    invalid = enter(agency=cast.agency_a, answers=one)
    assert not invalid.valid and invalid.quota_stratum == ""
    assert Quota.objects.get(campaign=campaign, agency=cast.agency_a).filled == 0
    valid = enter(agency=cast.agency_a, answers=all_items(method, 4))
    assert valid.valid and Quota.objects.get(campaign=campaign, agency=cast.agency_a).filled == 1


def test_closed_campaign_and_full_quota_refuse(cast, campaign, method):
    campaign_settings.set_quota(campaign, agency=cast.agency_a, target=1, actor=cast.province_admin)
    enter = partial(
        collection.enter_response,
        campaign,
        mode=Mode.PHONE,
        answers=all_items(method, 5),
        actor=cast.clerk_a,
    )
    enter(agency=cast.agency_a)
    with pytest.raises(collection.QuotaFull, match="đã đủ"):
        enter(agency=cast.agency_a)
    assert Response.objects.filter(agency=cast.agency_a).count() == 1
    services.close_campaign(campaign, actor=cast.province_admin)
    with pytest.raises(TransitionNotAllowed, match="đã kết thúc"):
        enter(agency=cast.agency_b)


def test_open_link_is_limited_per_device(cast, campaign, method):
    kw = dict(open_token=campaign.open_token, agency=cast.agency_a, answers=all_items(method, 4))
    collection.submit_open(campaign, device_key="dev1", **kw)
    with pytest.raises(collection.AlreadyAnswered):
        collection.submit_open(campaign, device_key="dev1", **kw)
    collection.submit_open(campaign, device_key="dev2", **kw)
    assert Response.objects.filter(mode=Mode.ONLINE).count() == 2


def test_outsiders_cannot_collect(cast, campaign, method):
    for who in (cast.citizen, cast.inspector):
        with pytest.raises(NotPermitted):
            collection.enter_response(
                campaign, agency=cast.agency_a, mode=Mode.PHONE, answers={}, actor=who
            )


def test_responses_never_point_to_a_person():
    """No column of a response (or its events) can join it to a sampled person or dossier:
    no foreign key to them, no name, phone, ID or dossier field."""
    forbidden_models = {"SampledPerson", "Sample", "Dossier", "User"}
    for model in (Response, ResponseEvent):
        for field in model._meta.get_fields():
            if isinstance(field, models.ForeignKey) and field.name not in ("collector", "actor"):
                assert field.related_model.__name__ not in forbidden_models, field
            assert not any(
                w in field.name
                for w in ("name", "phone", "email", "national", "dossier", "address", "token")
            ), field
    # the sample list keeps no time of return that could be matched to a response
    assert not any(
        "return" in f.name and f.name != "status" for f in SampledPerson._meta.get_fields()
    )


def test_anonymous_submission_leaves_no_trail_to_the_person(cast, campaign, method):
    sample = drawn(cast, campaign)
    person = sample.people.first()
    r = collection.submit_personal(person.token, answers=all_items(method, 5))
    text = str(Response.objects.filter(pk=r.pk).values().get()) + str(
        list(ResponseEvent.objects.filter(response=r).values())
    )
    for secret in (person.name, person.phone, person.token, person.dossier_code):
        assert secret not in text
    assert r.collector is None and r.collector_label == "Người trả lời (trực tuyến)"


def test_double_keying_agreement_creates_the_response(cast, campaign, method):
    answers = all_items(method, 4)
    key = partial(
        collection.key_paper_form,
        campaign,
        number="P-1",
        agency=cast.agency_a,
        mode=Mode.PAPER_POST,
        answers=answers,
    )
    form = key(actor=cast.clerk_a)
    assert form.status == PaperForm.Status.KEYING and Response.objects.count() == 0
    with pytest.raises(ValidationFailed, match="cán bộ khác"):
        key(actor=cast.clerk_a)
    form = key(actor=cast.clerk_b)
    assert form.status == PaperForm.Status.DONE and form.response is not None
    assert form.response.answers == answers
    assert form.response.mode == Mode.PAPER_POST
    assert Keying.objects.filter(form=form).count() == 2


def test_double_keying_differences_go_to_the_supervisor(cast, campaign, method):
    first = all_items(method, 4)
    second = all_items(method, 4, A1=5, B2=None)
    key = partial(collection.key_paper_form, campaign, number="P-2", mode=Mode.PAPER_HOME)
    key(agency=cast.agency_a, answers=first, actor=cast.clerk_a)
    with pytest.raises(ValidationFailed, match="P-2"):  # keyed against the wrong unit
        key(agency=cast.agency_b, answers=second, actor=cast.clerk_b)
    form = key(agency=cast.agency_a, answers=second, actor=cast.clerk_b)
    assert form.status == PaperForm.Status.DISPUTED and Response.objects.count() == 0
    assert form.differences == [
        {"item": "A1", "first": 4, "second": 5},
        {"item": "B2", "first": 4, "second": None},
    ]
    with pytest.raises(NotPermitted):
        collection.resolve_paper_form(form, resolution={"A1": 5, "B2": 3}, actor=cast.clerk_b)
    with pytest.raises(ValidationFailed):
        collection.resolve_paper_form(form, resolution={"A1": 5}, actor=cast.province_admin)
    form = collection.resolve_paper_form(
        form, resolution={"A1": 5, "B2": 3}, actor=cast.province_admin, note="xem phiếu giấy"
    )
    assert form.status == PaperForm.Status.DONE and form.response is not None
    assert form.response.answers["A1"] == 5 and form.response.answers["B2"] == 3
    # every keying is kept in the audit log
    actions = list(
        PaperFormEvent.objects.filter(form=form).order_by("seq").values_list("action", flat=True)
    )
    assert actions == ["key1", "key2", "disputed", "resolve"]
    assert PaperFormEvent.objects.get(form=form, action="key2").data["answers"]["A1"] == 5


def test_review_and_versioned_corrections(cast, campaign, method):
    r = collection.enter_response(
        campaign,
        agency=cast.agency_a,
        mode=Mode.INTERVIEW,
        answers=all_items(method, 5),
        actor=cast.clerk_a,
    )
    with pytest.raises(ValidationFailed):
        collection.review_responses([r], decision="REJECTED", actor=cast.province_admin)
    with pytest.raises(NotPermitted):
        collection.review_responses([r], decision="ACCEPTED", actor=cast.leader_a)
    assert (
        collection.review_responses(
            [r], decision="REJECTED", reason="trùng phiếu", actor=cast.province_admin
        )
        == 1
    )
    r.refresh_from_db()
    assert r.review == Response.Review.REJECTED and r.review_reason == "trùng phiếu"
    r = collection.edit_response(
        r, answers=all_items(method, 9), actor=cast.province_admin, reason="sửa lỗi nhập"
    )
    assert not r.valid
    edit = ResponseEvent.objects.get(response=r, action="edit")
    assert edit.data["before"]["A1"] == 5 and edit.data["after"]["A1"] == 9
    assert edit.note == "sửa lỗi nhập" and edit.actor == cast.province_admin


def test_published_questionnaire_is_never_edited(cast, questionnaire, method):
    section = questionnaire.sections.first()
    item = method.items.get(code="A1")
    with pytest.raises(TransitionNotAllowed):
        questionnaires.add_section(
            questionnaire, title="x", actor=cast.province_admin, province_code="01"
        )
    with pytest.raises(TransitionNotAllowed):
        questionnaires.remove_question(
            section.questions.first(), actor=cast.province_admin, province_code="01"
        )
    copy = questionnaires.new_version(questionnaire, actor=cast.province_admin, province_code="01")
    assert copy.version == 2 and copy.code == questionnaire.code and not copy.is_published
    # while version 2 is a draft, a second copy is refused in words (not a database error)
    with pytest.raises(TransitionNotAllowed, match="2"):
        questionnaires.new_version(questionnaire, actor=cast.province_admin, province_code="01")
    assert Questionnaire.objects.filter(code=questionnaire.code).count() == 2
    assert copy.sections.count() == questionnaire.sections.count()
    q = (
        copy.sections.get(title=section.title).questions.get(item=item)
        if section.questions.filter(item=item).exists()
        else None
    )
    extra = questionnaires.add_section(
        copy,
        title="Khác",
        actor=cast.province_admin,
        province_code="01",
        condition={"item": "Q8.3", "in": [1]},
    )
    assert isinstance(extra, Section)
    question = copy.sections.get(pk=extra.pk)
    assert question.condition == {"item": "Q8.3", "in": [1]}
    del q
    questionnaires.publish_questionnaire(copy, actor=cast.province_admin, province_code="01")
    with pytest.raises(NotPermitted):
        questionnaires.new_version(copy, actor=cast.leader_a, province_code="01")


def test_required_and_conditional_questions(cast, draft_with_follow_up, method):
    # a required follow-up X.1 shown only on Q8.3 = 1
    copy = questionnaires.publish_questionnaire(
        draft_with_follow_up, actor=cast.province_admin, province_code="01"
    )
    campaign = open_campaign(
        copy, [cast.agency_a], actor=cast.province_admin, code="KS-X", name="x"
    )
    enter = lambda answers: collection.enter_response(  # noqa: E731
        campaign, agency=cast.agency_a, mode=Mode.PHONE, answers=answers, actor=cast.clerk_a
    )
    enter(all_items(method, 4, **{"Q8.3": 2}))  # not shown: not required
    with pytest.raises(ValidationFailed, match="X.1"):
        enter(all_items(method, 4, **{"Q8.3": 1}))
    enter(all_items(method, 4, **{"Q8.3": 1, "X.1": "tốt"}))
    assert Response.objects.filter(campaign=campaign).count() == 2
