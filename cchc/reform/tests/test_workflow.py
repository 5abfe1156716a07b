"""Templates, self-assessment, appraisal and publication through the services, with every
refusal the issue lists (Vietnamese messages, nothing half-saved)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import timezone

from cchc.core.actors import SYSTEM
from cchc.core.errors import NotPermitted, TransitionNotAllowed, ValidationFailed
from cchc.reform import access, appraisal, assessments, criteria, publishing, results
from cchc.reform.models import (
    AssessmentStatus,
    EvidenceFile,
    ReformEvent,
    ResultSet,
    Score,
)
from cchc.reform.tests.helpers import build_template

PDF = b"%PDF-1.4\n%test evidence\n"
MEASURES = {
    "online_share": "cchc.reform.tests.helpers.fake_online_share",
    "sipas": "cchc.reform.tests.helpers.fake_sipas",
}


def pdf(name="qd.pdf", body=PDF):  # type: ignore[no-untyped-def]
    return SimpleUploadedFile(name, body, content_type="application/pdf")


@pytest.mark.django_db
def test_published_template_is_immutable_and_copy_starts_next_year(cast):
    t = build_template()
    # what the two nodes saved below share
    subcriterion: dict[str, Any] = {
        "actor": SYSTEM,
        "parent_code": "1.1",
        "kind": "subcriterion",
        "method": "self",
    }
    with pytest.raises(TransitionNotAllowed, match="đã ban hành|published"):
        criteria.save_node(t, code="1.1.3", name="x", max_points=1, **subcriterion)
    with pytest.raises(TransitionNotAllowed):
        criteria.update_template(t, actor=SYSTEM, name="khác")
    assert t.nodes.count() == 7
    new = criteria.copy_template(t, actor=SYSTEM, code="T-2027", year=2027)
    assert new.status == "DRAFT" and new.nodes.count() == 7 and new.copied_from == t
    parent = new.nodes.get(code="1.1.1").parent
    assert parent is not None and parent.code == "1.1"
    criteria.save_node(new, code="1.1.1", name="đổi", max_points=5, **subcriterion)
    assert criteria.template_problems(new)  # 5 + 20 != 30
    with pytest.raises(ValidationFailed):
        criteria.publish_template(new, actor=SYSTEM)
    assert t.nodes.get(code="1.1.1").max_points == 10


@pytest.mark.django_db
def test_only_home_affairs_builds_templates(cast):
    with pytest.raises(NotPermitted):
        criteria.create_template(actor=cast.leader_b, code="X", year=2026, name="x")


@pytest.mark.django_db
@override_settings(PLATFORM_MEASURES=MEASURES)
def test_self_assessment_rules_and_submission(cast):
    t = build_template(deadline=timezone.now() + dt.timedelta(days=3))
    a = assessments.open_assessment(t, cast.agency_b, actor=cast.specialist_b)
    with pytest.raises(NotPermitted):
        assessments.set_self_score(a, "1.1.1", actor=cast.specialist_a, score=5)
    with pytest.raises(ValidationFailed, match="10"):
        assessments.set_self_score(a, "1.1.1", actor=cast.specialist_b, score=11)
    with pytest.raises(ValidationFailed):
        assessments.set_self_score(a, "1.1.1", actor=cast.specialist_b, score=-1)
    with pytest.raises(ValidationFailed):
        assessments.set_self_score(a, "2.1.1", actor=cast.specialist_b, score=5)  # survey
    assert Score.objects.get(assessment=a, node__code="1.1.1").self_score is None
    assessments.set_self_score(a, "1.1.1", actor=cast.specialist_b, score=9)
    # computed from the platform, frozen with the records' link
    assessments.prefill_computed(a, actor=cast.specialist_b)
    row = Score.objects.get(assessment=a, node__code="1.1.2")
    assert row.self_score == 15  # 60 % of a full mark at 80 % -> 0.75 * 20
    assert row.snapshot["numerator"] == 60 and "evidence" in row.snapshot["evidence_url"]
    # evidence missing and no explanation: refused
    with pytest.raises(ValidationFailed, match="1.1.1"):
        assessments.submit(a, actor=cast.leader_b)
    common = {"actor": cast.specialist_b, "issuer": "UBND tỉnh", "doc_date": dt.date(2026, 3, 1)}
    with pytest.raises(ValidationFailed):  # no document number
        assessments.add_evidence(a, "1.1.1", doc_number="", **common)
    with pytest.raises(ValidationFailed):  # not a PDF
        assessments.add_evidence(
            a, "1.1.1", doc_number="12/QĐ", upload=pdf("x.pdf", b"MZ not a pdf at all"), **common
        )
    assessments.add_evidence(a, "1.1.1", doc_number="12/QĐ-UBND", upload=pdf(), **common)
    assessments.add_evidence(a, "1.1.2", doc_number="12/QĐ-UBND", upload=pdf("again.pdf"), **common)
    assert EvidenceFile.objects.count() == 1  # stored once, reused
    # the same document twice on one item, and a document dated in the future: refused
    with pytest.raises(ValidationFailed, match="12/QĐ-UBND"):
        assessments.add_evidence(a, "1.1.1", doc_number="12/qđ-ubnd ", upload=pdf(), **common)
    future = dict(common, doc_date=timezone.localdate() + dt.timedelta(days=1))
    with pytest.raises(ValidationFailed, match="tương lai"):
        assessments.add_evidence(a, "1.1.1", doc_number="13/QĐ-UBND", upload=pdf(), **future)
    assert Score.objects.get(assessment=a, node__code="1.1.1").evidence.count() == 1
    with pytest.raises(NotPermitted):
        assessments.submit(a, actor=cast.specialist_b)  # only the leader
    a = assessments.submit(a, actor=cast.leader_b)
    assert a.status == AssessmentStatus.SUBMITTED
    with pytest.raises(TransitionNotAllowed):
        assessments.set_self_score(a, "1.1.1", actor=cast.specialist_b, score=1)
    actions = list(ReformEvent.objects.filter(assessment=a).values_list("action", flat=True))
    assert actions[0] == "open" and actions[-1] == "submit" and "prefill" in actions


@pytest.mark.django_db
def test_explanation_replaces_evidence_and_late_submission_is_refused(cast):
    t = build_template(deadline=timezone.now() + dt.timedelta(hours=1))
    a = assessments.open_assessment(t, cast.agency_b, actor=cast.specialist_b)
    assessments.set_self_score(
        a, "1.1.1", actor=cast.specialist_b, score=5, explanation="Chưa có văn bản, đang trình ký"
    )
    assessments.set_self_score(a, "1.1.2", actor=cast.specialist_b, score=5)
    assert assessments.missing_items(a) == []
    # scored before the deadline (after it, scores are locked too), submitted after it
    with pytest.raises(TransitionNotAllowed, match="hạn|deadline"):
        assessments.submit(a, actor=cast.leader_b, now=timezone.now() + dt.timedelta(hours=2))
    a.refresh_from_db()
    assert a.status == AssessmentStatus.DRAFT


def _submitted(cast, t):  # type: ignore[no-untyped-def]
    a = assessments.open_assessment(t, cast.agency_b, actor=cast.specialist_b)
    assessments.set_self_score(
        a, "1.1.1", actor=cast.specialist_b, score=10, explanation="Có kế hoạch"
    )
    assessments.set_self_score(a, "1.1.2", actor=cast.specialist_b, score=18, explanation="Tự tính")
    return assessments.submit(a, actor=cast.leader_b)


@pytest.mark.django_db
def test_appraisal_flow_keeps_both_scores_and_every_change(cast):
    from cchc.testing import UserFactory

    t = build_template()
    chair, member = UserFactory(username="chair"), UserFactory(username="member")
    with pytest.raises(ValidationFailed):
        appraisal.create_team(
            t,
            actor=SYSTEM,
            name="Tổ 1",
            chair=chair,
            members=[cast.specialist_b],
            agencies=[cast.agency_b],
        )
    appraisal.create_team(
        t, actor=SYSTEM, name="Tổ 1", chair=chair, members=[member], agencies=[cast.agency_b]
    )
    a = _submitted(cast, t)
    with pytest.raises(NotPermitted):
        appraisal.appraise(a, "1.1.1", actor=cast.leader_b, accept=True)  # own unit
    with pytest.raises(NotPermitted):
        appraisal.appraise(a, "1.1.1", actor=cast.outsider, accept=True)  # not on the team
    with pytest.raises(ValidationFailed):
        appraisal.appraise(a, "1.1.1", actor=member, score=7)  # adjustment without a reason
    appraisal.appraise(a, "1.1.1", actor=member, score=7, comment="Kế hoạch ban hành muộn")
    row = Score.objects.get(assessment=a, node__code="1.1.1")
    assert (row.self_score, row.appraised_score, row.appraisal_comment) == (
        10,
        7,
        "Kế hoạch ban hành muộn",
    )
    with pytest.raises(NotPermitted):
        appraisal.request_explanation(a, actor=member)  # the chair only
    appraisal.request_explanation(a, actor=chair)
    with pytest.raises(TransitionNotAllowed):
        appraisal.appraise(a, "1.1.1", actor=member, accept=True)  # waiting for the unit
    # nothing written: refused, naming the items asked, and the one round is not used up
    for answers in ({}, {"1.1.1": "  "}, {"1.1.2": "not asked"}):
        with pytest.raises(ValidationFailed, match="1.1.1"):
            appraisal.respond(a, actor=cast.specialist_b, answers=answers)
    a.refresh_from_db()
    assert a.status == AssessmentStatus.EXPLANATION
    appraisal.respond(
        a, actor=cast.specialist_b, answers={"1.1.1": "Ban hành ngày 15/1 theo hướng dẫn"}
    )
    with pytest.raises(TransitionNotAllowed):
        appraisal.respond(a, actor=cast.specialist_b, answers={"1.1.1": "lần hai"})
    appraisal.appraise(a, "1.1.1", actor=member, score=8, comment="Chấp nhận một phần giải trình")
    with pytest.raises(TransitionNotAllowed):
        appraisal.request_explanation(a, actor=chair)  # one round only
    a = appraisal.finalise(a, actor=chair)
    assert a.status == AssessmentStatus.FINAL
    assert Score.objects.get(assessment=a, node__code="1.1.2").appraised_score == 18
    log = list(ReformEvent.objects.filter(assessment=a).values_list("action", "actor_label"))
    assert [x for x, _ in log] == [
        "open",
        "self_score",
        "self_score",
        "submit",
        "adjust",
        "request_explanation",
        "respond",
        "responded",
        "adjust",
        "finalise",
    ]
    assert log[4][1] == member.display_name  # type: ignore[attr-defined]  # a User
    doc = results.compute_year(2026, "01")
    assert results.unit_row(doc, "H26.01")["points"] == pytest.approx(8 + 18)
    # no survey score and the survey is not optional: the full maximum
    assert results.unit_row(doc, "H26.01")["total"] == pytest.approx(26 / 50 * 100)


@pytest.mark.django_db
def test_other_units_do_not_see_a_self_assessment_before_publication(cast):
    t = build_template()
    a = _submitted(cast, t)
    assert access.can_view(cast.specialist_b, a)
    assert not access.can_view(cast.specialist_a, a)
    publishing.publish_results(2026, actor=SYSTEM, confirm_incomplete=True)
    assert access.can_view(cast.specialist_a, a)


@pytest.mark.django_db
@override_settings(PLATFORM_MEASURES=MEASURES)
def test_survey_scores_from_published_results_or_none(cast):
    t = build_template(survey_optional=True)
    a = assessments.open_assessment(t, cast.agency_b, actor=SYSTEM)  # H26.01 has a result
    c = assessments.open_assessment(t, cast.agency_c, actor=SYSTEM)  # H26.02 has none
    counts = assessments.refresh_survey_scores(t, actor=SYSTEM)
    assert counts == {"scored": 1, "no_result": 1}
    assert Score.objects.get(assessment=a, node__code="2.1.1").survey_score == 18
    assert Score.objects.get(assessment=c, node__code="2.1.1").survey_score is None


@pytest.mark.django_db
def test_survey_module_absent_gives_no_result(cast):
    t = build_template()
    assessments.open_assessment(t, cast.agency_b, actor=SYSTEM)
    assert assessments.refresh_survey_scores(t, actor=SYSTEM) == {"scored": 0, "no_result": 1}


@pytest.mark.django_db
def test_publish_freezes_and_restatement_is_recorded(cast):
    t = build_template()
    a = _submitted(cast, t)
    first = publishing.publish_results(2026, actor=SYSTEM, confirm_incomplete=True)
    assert results.index_document("2026", province_code="01")["frozen"] is True
    # a later change does not move the published figures
    Score.objects.filter(assessment=a, node__code="1.1.1").update(appraised_score=1)
    doc = results.index_document("2026", province_code="01")
    assert results.unit_row(doc, "H26.01")["points"] == pytest.approx(28)
    with pytest.raises(ValidationFailed):
        # twice without a reason
        publishing.publish_results(2026, actor=SYSTEM, confirm_incomplete=True)
    second = publishing.restate_results(2026, actor=SYSTEM, reason="Sửa điểm tiêu chí 1.1.1")
    assert second.version == 2 and second.reason
    first.refresh_from_db()
    assert not first.current and ResultSet.objects.count() == 2
    doc = results.index_document("2026", province_code="01")
    assert results.unit_row(doc, "H26.01")["points"] == pytest.approx(19)


@pytest.mark.django_db
def test_events_are_append_only(cast):
    from django.db import DatabaseError, transaction

    t = build_template()
    a = assessments.open_assessment(t, cast.agency_b, actor=cast.specialist_b)
    event = ReformEvent.objects.get(assessment=a)
    with pytest.raises(DatabaseError), transaction.atomic():
        ReformEvent.objects.filter(pk=event.pk).update(note="rewritten")
    assert ReformEvent.objects.get(pk=event.pk).note == ""


@pytest.mark.django_db
def test_compute_indices_refuses_a_non_year_period(cast):
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="2026"):
        call_command(
            "compute_indices", "--scheme", "par", "--period", "2026-Q3", "--format", "json"
        )


@pytest.mark.django_db
def test_live_document_follows_every_change_through_the_services(cast):
    t = build_template()
    a = assessments.open_assessment(t, cast.agency_b, actor=cast.specialist_b)
    assessments.set_self_score(a, "1.1.1", actor=cast.specialist_b, score=4)
    first = results.live_document(2026, "01")
    # a draft is not ranked (domain.md §7: only what the unit's leader submitted): listed apart
    assert [u["code"] for u in first["not_submitted"]] == ["H26.01"] and not first["agencies"]
    assert results.live_document(2026, "01") is first  # nothing changed: reused
    assessments.set_self_score(a, "1.1.1", actor=cast.specialist_b, score=6, explanation="Có")
    assessments.set_self_score(a, "1.1.2", actor=cast.specialist_b, score=18, explanation="Tự tính")
    assessments.submit(a, actor=cast.leader_b)
    doc = results.live_document(2026, "01")
    assert results.unit_row(doc, "H26.01")["points"] == 6 + 18 and not doc["not_submitted"]
