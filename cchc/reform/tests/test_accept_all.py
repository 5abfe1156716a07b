"""The unit's leader accepts every unanswered adjustment in one action (after a confirmation
that names them), recorded item by item like the adjustments left unexplained; refused to
anyone but the leader, after the answer deadline and once the year's results are published."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from cchc.core.actors import SYSTEM
from cchc.core.errors import NotPermitted, TransitionNotAllowed, ValidationFailed
from cchc.reform import appraisal, publishing
from cchc.reform.models import AssessmentStatus, ReformEvent, Score
from cchc.reform.tests.helpers import appraisal_team, build_template, submitted


def _two_adjusted(cast):  # type: ignore[no-untyped-def]
    """Agency B's sheet: 1.1.1 (8 → 6) and 1.1.2 (18 → 15) adjusted, explanation asked."""
    t = build_template()
    chair = appraisal_team(t, cast.agency_b)
    a = submitted(cast, t)
    appraisal.appraise(a, "1.1.1", actor=chair, score=6, comment="Thiếu văn bản")
    appraisal.appraise(a, "1.1.2", actor=chair, score=15, comment="Số liệu chưa khớp")
    return t, chair, appraisal.request_explanation(a, actor=chair)


def _adjusted_codes(a):  # type: ignore[no-untyped-def]
    return [row.node.code for row in appraisal.adjusted_items(a)]


@pytest.mark.django_db
def test_the_leader_accepts_every_adjustment_one_event_per_item(cast):
    _t, _chair, a = _two_adjusted(cast)
    codes = _adjusted_codes(a)
    assert len(codes) == 2
    assert appraisal.accept_all_adjustments(a, actor=cast.leader_b, confirmed=codes) == codes
    a.refresh_from_db()
    assert a.status == AssessmentStatus.RESPONDED
    logged = ReformEvent.objects.filter(assessment=a, action="accept_adjustment")
    assert sorted(logged.values_list("node_code", flat=True)) == sorted(codes)
    assert {e.actor_id for e in logged} == {cast.leader_b.pk}
    row = Score.objects.get(assessment=a, node__code="1.1.1")
    assert ReformEvent.objects.get(
        assessment=a, action="accept_adjustment", node_code="1.1.1"
    ).data == {"from": appraisal.fmt_score(row.self_score), "to": "6"}
    closing = ReformEvent.objects.get(assessment=a, action="responded")
    assert closing.data["accepted"] == codes
    # the round is answered: nothing left to accept
    with pytest.raises(TransitionNotAllowed):
        appraisal.accept_all_adjustments(a, actor=cast.leader_b, confirmed=codes)


@pytest.mark.django_db
def test_an_item_left_unexplained_is_recorded_as_accepted_like_accept_all(cast):
    _t, _chair, a = _two_adjusted(cast)
    appraisal.respond(a, actor=cast.specialist_b, answers={"1.1.1": "Đã ban hành", "1.1.2": ""})
    logged = ReformEvent.objects.filter(assessment=a, action="accept_adjustment")
    assert list(logged.values_list("node_code", flat=True)) == ["1.1.2"]


@pytest.mark.django_db
def test_only_the_units_leader_may_accept_every_adjustment(cast):
    _t, chair, a = _two_adjusted(cast)
    codes = _adjusted_codes(a)
    for who in (cast.specialist_b, chair):
        with pytest.raises(NotPermitted):
            appraisal.accept_all_adjustments(a, actor=who, confirmed=codes)
    assert not ReformEvent.objects.filter(assessment=a, action="accept_adjustment").exists()


@pytest.mark.django_db
def test_the_leader_accepts_only_what_was_confirmed(cast):
    _t, _chair, a = _two_adjusted(cast)
    with pytest.raises(ValidationFailed, match="1.1.1, 1.1.2"):
        appraisal.accept_all_adjustments(a, actor=cast.leader_b, confirmed=["1.1.1"])
    a.refresh_from_db()
    assert a.status == AssessmentStatus.EXPLANATION
    assert not ReformEvent.objects.filter(assessment=a, action="accept_adjustment").exists()


@pytest.mark.django_db
def test_accepting_every_adjustment_is_refused_after_the_answer_deadline(cast):
    _t, _chair, a = _two_adjusted(cast)
    assert a.answer_due is not None and a.answer_due > timezone.now()
    late = a.answer_due + dt.timedelta(minutes=1)
    with pytest.raises(TransitionNotAllowed, match="giải trình"):
        appraisal.accept_all_adjustments(
            a, actor=cast.leader_b, confirmed=_adjusted_codes(a), now=late
        )
    # just before it, accepted
    appraisal.accept_all_adjustments(
        a, actor=cast.leader_b, confirmed=_adjusted_codes(a), now=a.answer_due
    )


@pytest.mark.django_db
def test_an_explanation_is_refused_after_the_answer_deadline(cast):
    _t, _chair, a = _two_adjusted(cast)
    a.answer_due = timezone.now() - dt.timedelta(minutes=1)
    a.save(update_fields=["answer_due"])
    with pytest.raises(TransitionNotAllowed):
        appraisal.respond(a, actor=cast.specialist_b, answers={"1.1.1": "Đã ban hành"})


@pytest.mark.django_db
def test_accepting_every_adjustment_is_refused_once_the_results_are_published(cast):
    t, _chair, a = _two_adjusted(cast)
    publishing.publish_results(t.year, actor=SYSTEM, confirm_incomplete=True)
    with pytest.raises(TransitionNotAllowed, match="công bố"):
        appraisal.accept_all_adjustments(a, actor=cast.leader_b, confirmed=_adjusted_codes(a))
    a.refresh_from_db()
    assert a.status == AssessmentStatus.EXPLANATION


@pytest.mark.django_db
def test_the_sheet_asks_the_leader_to_confirm_how_many_and_which(client, cast):
    _t, _chair, a = _two_adjusted(cast)
    url = reverse("reform:assessment", args=[a.pk])
    client.force_login(cast.specialist_b)
    assert 'id="accept-all-form"' not in client.get(url).content.decode()
    client.force_login(cast.leader_b)
    page = client.get(url).content.decode()
    box = page[page.index('id="accept-all"') : page.index('id="respond-form"')]
    assert "2" in box and "1.1.1" in box and "1.1.2" in box
    r = client.post(
        reverse("reform:assessment_action", args=[a.pk]),
        {"action": "accept_all", "confirmed": ["1.1.1", "1.1.2"]},
        follow=True,
    )
    assert "1.1.1, 1.1.2" in r.content.decode()
    a.refresh_from_db()
    assert a.status == AssessmentStatus.RESPONDED
    assert ReformEvent.objects.filter(assessment=a, action="accept_adjustment").count() == 2
