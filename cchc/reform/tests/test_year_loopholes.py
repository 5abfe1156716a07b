"""The PAR INDEX year's loopholes, closed: an explanation only on what the appraisal
adjusted; no self score or evidence changed after the deadline unless Home Affairs extended
it or gave the sheet back; an appraisal changed after publication named on the ranking until
the results are restated, the restatement's reason shown with them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from cchc.core.actors import SYSTEM
from cchc.core.errors import TransitionNotAllowed, ValidationFailed
from cchc.reform import appraisal, assessments, criteria, publishing
from cchc.reform.models import AssessmentStatus, Evidence, ReformEvent, Score
from cchc.reform.tests.helpers import appraisal_team, build_template, submitted

MEASURES = {"online_share": "cchc.reform.tests.helpers.fake_online_share"}


def _asked_to_explain(cast):  # type: ignore[no-untyped-def]
    """Agency B's sheet: 1.1.1 adjusted (8 → 6), 1.1.2 accepted, explanation asked."""
    t = build_template()
    chair = appraisal_team(t, cast.agency_b)
    a = submitted(cast, t)
    appraisal.appraise(a, "1.1.1", actor=chair, score=6, comment="Thiếu văn bản")
    appraisal.appraise(a, "1.1.2", actor=chair, accept=True)
    return t, chair, appraisal.request_explanation(a, actor=chair)


# ------------------------------------------------------------ 1. explanation on adjustments only
@pytest.mark.django_db
@pytest.mark.parametrize("code", ["1.1.2", "2.1.1"])  # accepted as self-scored; survey-scored
def test_an_explanation_on_an_item_the_appraisal_did_not_adjust_is_refused(cast, code):
    _t, _chair, a = _asked_to_explain(cast)
    with pytest.raises(ValidationFailed, match=f"không điều chỉnh {code}") as refused:
        appraisal.respond(
            a, actor=cast.specialist_b, answers={"1.1.1": "Đã ban hành", code: "Phản đối"}
        )
    assert "1.1.1" in str(refused.value)  # what may be answered is named
    # nothing written, and the unit's one round is not used up
    a.refresh_from_db()
    assert a.status == AssessmentStatus.EXPLANATION
    assert not Score.objects.filter(assessment=a).exclude(unit_response="").exists()
    assert not ReformEvent.objects.filter(assessment=a, action="respond").exists()
    appraisal.respond(a, actor=cast.specialist_b, answers={"1.1.1": "Đã ban hành", code: "  "})
    row = Score.objects.get(assessment=a, node__code="1.1.1")
    assert row.unit_response == "Đã ban hành"


@pytest.mark.django_db
def test_the_sheet_offers_an_explanation_only_on_adjusted_items_and_keeps_the_refusal(client, cast):
    _t, _chair, a = _asked_to_explain(cast)
    client.force_login(cast.specialist_b)
    page = client.get(reverse("reform:assessment", args=[a.pk])).content.decode()
    assert 'name="answer_1.1.1"' in page and 'name="answer_1.1.2"' not in page
    # gathered at the top of the sheet, with the scores and the appraisers' reason
    explain = page[page.index('id="explain"') : page.index('id="sheet"')]
    assert "Thiếu văn bản" in explain and 'name="answer_1.1.1"' in explain
    r = client.post(
        reverse("reform:assessment_action", args=[a.pk]),
        {"action": "respond", "answer_1.1.1": "Đã ban hành ngày 15/1", "answer_1.1.2": "Phản đối"},
        follow=True,
    )
    page = r.content.decode()
    assert "không điều chỉnh 1.1.2" in page
    # what was written is not lost
    assert ">Đã ban hành ngày 15/1</textarea>" in page
    a.refresh_from_db()
    assert a.status == AssessmentStatus.EXPLANATION


# ------------------------------------------------------------------ 2. locked after the deadline
def _draft_past_deadline(cast):  # type: ignore[no-untyped-def]
    """Agency B's draft, one item scored with evidence, then the deadline passes."""
    t = build_template(deadline=timezone.now() + dt.timedelta(hours=1))
    a = assessments.open_assessment(t, cast.agency_b, actor=cast.specialist_b)
    assessments.set_self_score(a, "1.1.1", actor=cast.specialist_b, score=8)
    pdf = SimpleUploadedFile("qd.pdf", b"%PDF-1.4\n%x\n", content_type="application/pdf")
    assessments.add_evidence(
        a,
        "1.1.1",
        actor=cast.specialist_b,
        doc_number="12/QĐ-UBND",
        issuer="UBND quận",
        doc_date=dt.date(2026, 1, 15),
        upload=pdf,
    )
    assessments.set_self_score(a, "1.1.2", actor=cast.specialist_b, score=18, explanation="Tự")
    t = criteria.set_deadline(t, actor=SYSTEM, deadline=timezone.now() - dt.timedelta(minutes=1))
    a.refresh_from_db()
    return t, a


@pytest.mark.django_db
@override_settings(PLATFORM_MEASURES=MEASURES)
def test_scores_and_evidence_are_locked_after_the_deadline(cast):
    _t, a = _draft_past_deadline(cast)
    ev = Evidence.objects.get(score__assessment=a)
    attempts = [
        lambda: assessments.set_self_score(a, "1.1.1", actor=cast.specialist_b, score=10),
        lambda: assessments.add_evidence(
            a,
            "1.1.1",
            actor=cast.specialist_b,
            doc_number="13/QĐ-UBND",
            issuer="UBND quận",
            doc_date=dt.date(2026, 1, 16),
            file_id=ev.file_id,
        ),
        lambda: assessments.remove_evidence(ev, actor=cast.specialist_b),
        lambda: assessments.prefill_computed(a, actor=cast.specialist_b),
    ]
    for attempt in attempts:
        with pytest.raises(TransitionNotAllowed, match="Đã quá hạn"):
            attempt()
    row = Score.objects.get(assessment=a, node__code="1.1.1")
    assert row.self_score == 8 and row.evidence.count() == 1
    assert Score.objects.get(assessment=a, node__code="1.1.2").self_score == 18


@pytest.mark.django_db
def test_an_extended_deadline_unlocks_the_sheet(cast):
    t, a = _draft_past_deadline(cast)
    criteria.set_deadline(t, actor=SYSTEM, deadline=timezone.now() + dt.timedelta(days=2))
    a.refresh_from_db()
    assessments.set_self_score(a, "1.1.1", actor=cast.specialist_b, score=9)
    assert Score.objects.get(assessment=a, node__code="1.1.1").self_score == 9


@pytest.mark.django_db
def test_home_affairs_gives_a_late_draft_back_to_its_unit_only(cast):
    _t, a = _draft_past_deadline(cast)
    a = assessments.reopen(a, actor=SYSTEM, reason="Đơn vị xin gia hạn do sáp nhập")
    assessments.set_self_score(a, "1.1.1", actor=cast.specialist_b, score=9)
    a = assessments.submit(a, actor=cast.leader_b)
    assert a.status == AssessmentStatus.SUBMITTED
    # submitted again: locked as every submitted sheet
    with pytest.raises(TransitionNotAllowed):
        assessments.set_self_score(a, "1.1.1", actor=cast.specialist_b, score=10)


@pytest.mark.django_db
def test_a_sheet_returned_after_the_deadline_may_be_corrected_and_submitted_again(cast):
    t = build_template(deadline=timezone.now() + dt.timedelta(hours=1))
    a = submitted(cast, t)
    criteria.set_deadline(t, actor=SYSTEM, deadline=timezone.now() - dt.timedelta(minutes=1))
    a.refresh_from_db()
    a = assessments.reopen(a, actor=SYSTEM, reason="Thiếu minh chứng tiêu chí 1.1.1")
    assessments.set_self_score(a, "1.1.1", actor=cast.specialist_b, score=7)
    assert assessments.submit(a, actor=cast.leader_b).status == AssessmentStatus.SUBMITTED


@pytest.mark.django_db
def test_the_locked_sheet_says_why_and_offers_no_field(client, cast):
    _t, a = _draft_past_deadline(cast)
    url = reverse("reform:assessment", args=[a.pk])
    client.force_login(cast.specialist_b)
    page = client.get(url).content.decode()
    assert 'id="edit-lock"' in page and "Đã quá hạn" in page
    assert 'value="score"' not in page and 'value="evidence"' not in page
    client.force_login(cast.leader_b)
    assert 'id="submit"' not in client.get(url).content.decode()
    # Home Affairs may give it back; then the unit edits again and is told why
    client.force_login(cast.province_admin)
    assert 'id="reopen-form"' in client.get(url).content.decode()
    client.post(
        reverse("reform:assessment_action", args=[a.pk]),
        {"action": "reopen", "reason": "Gia hạn cho đơn vị"},
    )
    client.force_login(cast.specialist_b)
    page = client.get(url).content.decode()
    assert 'id="edit-lock"' not in page and 'id="returned"' in page
    assert 'value="score"' in page and "Gia hạn cho đơn vị" in page


# --------------------------------------------------------- 3. appraisal after publication flagged
@pytest.mark.django_db
def test_an_appraisal_after_publication_is_named_until_the_results_are_restated(client, cast):
    t = build_template()
    chair = appraisal_team(t, cast.agency_b)
    a = submitted(cast, t)
    appraisal.appraise(a, "1.1.1", actor=chair, accept=True)
    publishing.publish_results(2026, actor=SYSTEM, confirm_incomplete=True)
    assert publishing.changed_since_publication(2026) == []
    # the appraisal carries on after publication: allowed, marked, named on the ranking
    appraisal.appraise(a, "1.1.1", actor=chair, score=5, comment="Văn bản ban hành muộn")
    appraisal.finalise(a, actor=chair, without_answers=["1.1.1"])
    marks = list(
        ReformEvent.objects.filter(assessment=a, action__in=["accept", "adjust", "finalise"])
        .order_by("seq")
        .values_list("action", "data__after_publication")
    )
    assert marks == [("accept", None), ("adjust", 1), ("finalise", 1)]
    changed = publishing.changed_since_publication(2026)
    assert [(u["code"], u["changes"], u["items"]) for u in changed] == [("H26.01", 2, ["1.1.1"])]
    client.force_login(cast.province_admin)
    ranking = reverse("reform:ranking", args=[2026])
    page = client.get(ranking).content.decode()
    assert 'id="changed-since"' in page and "H26.01" in page
    # the sheet's history says which changes came after publication
    sheet = client.get(reverse("reform:assessment", args=[a.pk])).content.decode()
    assert "sau khi công bố kết quả lần 1" in sheet
    publishing.restate_results(2026, actor=SYSTEM, reason="Bổ sung kết quả thẩm định quận B")
    assert publishing.changed_since_publication(2026) == []
    page = client.get(ranking).content.decode()
    assert 'id="changed-since"' not in page
    assert 'id="restated"' in page and "Bổ sung kết quả thẩm định quận B" in page
    client.logout()
    public = client.get(reverse("reform:public")).content.decode()
    assert "Bổ sung kết quả thẩm định quận B" in public


@pytest.mark.django_db
def test_the_appraiser_is_told_the_year_is_published_before_changing_a_score(client, cast):
    t = build_template()
    chair = appraisal_team(t, cast.agency_b)
    a = submitted(cast, t)
    client.force_login(chair)
    url = reverse("reform:assessment", args=[a.pk])
    assert 'id="after-publication"' not in client.get(url).content.decode()
    publishing.publish_results(2026, actor=SYSTEM, confirm_incomplete=True)
    assert 'id="after-publication"' in client.get(url).content.decode()


# ------------------------------------------------------------- a published year takes no new sheet
@pytest.mark.django_db
def test_no_new_self_assessment_in_a_published_year_and_none_offered(client, cast):
    t = build_template()
    a = submitted(cast, t)
    client.force_login(cast.specialist_a)
    home = reverse("reform:home")
    assert f'action="/par/templates/{t.pk}/open/"' in client.get(home).content.decode()
    # a unit that has opened its sheet is not offered to open it again
    client.force_login(cast.specialist_b)
    assert f'action="/par/templates/{t.pk}/open/"' not in client.get(home).content.decode()
    publishing.publish_results(2026, actor=SYSTEM, confirm_incomplete=True)
    with pytest.raises(TransitionNotAllowed, match="đã công bố"):
        assessments.open_assessment(t, cast.agency_a, actor=cast.specialist_a)
    assert not t.assessments.filter(agency=cast.agency_a).exists()
    # the unit's own sheet still opens
    assert assessments.open_assessment(t, cast.agency_b, actor=cast.specialist_b) == a
    client.force_login(cast.specialist_a)
    assert f'action="/par/templates/{t.pk}/open/"' not in client.get(home).content.decode()
