"""The PAR sheet as a unit fills it: no empty appraisal block while the unit is still
self-assessing, bonus and penalty items say what they are and who scores them, and the unit's
specialists are told their leader can accept every adjustment at once."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cchc.core.actors import SYSTEM
from cchc.reform import appraisal, assessments, criteria
from cchc.reform.tests.helpers import NODES, appraisal_team, save_nodes, submitted

BONUS_PENALTY = [
    ("9", None, "field", 0, ""),
    ("9.1", "9", "criterion", 0, ""),
    ("9.1.1", "9.1", "subcriterion", 2, "bonus"),
    ("9.1.2", "9.1", "subcriterion", 3, "penalty"),
]


def _template_with_bonus():  # type: ignore[no-untyped-def]
    t = criteria.create_template(actor=SYSTEM, code="T-BP", year=2026, name="Mẫu thưởng/trừ")
    save_nodes(t, NODES + BONUS_PENALTY)
    return criteria.publish_template(t, actor=SYSTEM)


def _row(page: str, code: str) -> str:
    start = page.index(f'id="n-{code}"')
    return page[start : page.index("</tr>", start)]


@pytest.mark.django_db
def test_a_draft_sheet_has_no_appraisal_block_until_there_is_an_appraisal(client, cast):
    t = _template_with_bonus()
    chair = appraisal_team(t, cast.agency_b)
    a = assessments.open_assessment(t, cast.agency_b, actor=cast.specialist_b)
    url = reverse("reform:assessment", args=[a.pk])
    client.force_login(cast.specialist_b)
    page = client.get(url).content.decode()
    assert "Điểm thẩm định" not in page  # neither the column nor a card's empty heading
    assessments.set_self_score(a, "1.1.1", actor=cast.specialist_b, score=8, explanation="Có")
    assessments.set_self_score(a, "1.1.2", actor=cast.specialist_b, score=18, explanation="Có")
    assessments.submit(a, actor=cast.leader_b)
    appraisal.appraise(a, "1.1.1", actor=chair, score=6, comment="Thiếu văn bản")
    page = client.get(url).content.decode()
    assert 'data-label="Điểm thẩm định"' in _row(page, "1.1.1")
    # an item not appraised yet shows no empty appraisal heading on the phone card
    assert 'data-label="Điểm thẩm định"' not in _row(page, "1.1.2")


@pytest.mark.django_db
def test_bonus_and_penalty_items_say_what_they_are_and_who_scores_them(client, cast):
    t = _template_with_bonus()
    a = assessments.open_assessment(t, cast.agency_b, actor=cast.specialist_b)
    url = reverse("reform:assessment", args=[a.pk])
    client.force_login(cast.specialist_b)
    page = client.get(url).content.decode()
    bonus, penalty = _row(page, "9.1.1"), _row(page, "9.1.2")
    assert "Điểm thưởng: cộng tối đa 2,00 điểm" in bonus and "tổ thẩm định" in bonus
    assert "Điểm trừ: trừ tối đa 3,00 điểm" in penalty and "tổ thẩm định" in penalty
    assert "Điểm thưởng:" not in _row(page, "1.1.1")
    # read by the appraisal team once submitted: the unit claimed nothing, said in words
    chair = appraisal_team(t, cast.agency_b)
    assessments.set_self_score(a, "1.1.1", actor=cast.specialist_b, score=8, explanation="Có")
    assessments.set_self_score(a, "1.1.2", actor=cast.specialist_b, score=18, explanation="Có")
    assessments.submit(a, actor=cast.leader_b)
    client.force_login(chair)
    page = client.get(url).content.decode()
    assert "Đơn vị không đề nghị điểm thưởng" in _row(page, "9.1.1")
    assert "Đơn vị không tự nhận điểm trừ" in _row(page, "9.1.2")


@pytest.mark.django_db
def test_a_specialist_is_told_the_leader_can_accept_every_adjustment(client, cast):
    from cchc.reform.tests.helpers import build_template

    t = build_template()
    chair = appraisal_team(t, cast.agency_b)
    a = submitted(cast, t)
    appraisal.appraise(a, "1.1.1", actor=chair, score=6, comment="Thiếu văn bản")
    appraisal.appraise(a, "1.1.2", actor=chair, score=15, comment="Số liệu chưa khớp")
    appraisal.request_explanation(a, actor=chair)
    url = reverse("reform:assessment", args=[a.pk])
    client.force_login(cast.specialist_b)
    page = client.get(url).content.decode()
    hint = page[page.index('id="leader-accepts-all"') : page.index('id="respond-form"')]
    assert "lãnh đạo đơn vị" in hint and "Đồng ý tất cả 2 điều chỉnh" in hint
    client.force_login(cast.leader_b)  # the leader has the button itself
    assert 'id="leader-accepts-all"' not in client.get(url).content.decode()


@pytest.mark.django_db
def test_only_a_self_assessed_item_says_its_explanation_is_required(client, cast):
    """A bonus, penalty or computed item needs no evidence or explanation to submit: its
    field said "required without evidence" all the same."""
    t = _template_with_bonus()
    a = assessments.open_assessment(t, cast.agency_b, actor=cast.specialist_b)
    client.force_login(cast.specialist_b)
    page = client.get(reverse("reform:assessment", args=[a.pk])).content.decode()
    required = "bắt buộc nếu không có tài liệu"
    assert required in _row(page, "1.1.1")
    for code in ("9.1.1", "9.1.2", "1.1.2"):
        row = _row(page, code)
        assert required not in row and 'placeholder="Giải trình (không bắt buộc)"' in row


@pytest.mark.django_db
def test_an_appraiser_is_not_offered_to_accept_a_bonus_nobody_claimed(client, cast):
    """ "Accept" on an item without a self score was refused ("no self score to accept")."""
    t = _template_with_bonus()
    chair = appraisal_team(t, cast.agency_b)
    a = assessments.open_assessment(t, cast.agency_b, actor=cast.specialist_b)
    assessments.set_self_score(a, "1.1.1", actor=cast.specialist_b, score=8, explanation="Có")
    assessments.set_self_score(a, "1.1.2", actor=cast.specialist_b, score=18, explanation="Có")
    assessments.set_self_score(a, "9.1.2", actor=cast.specialist_b, score=1)
    assessments.submit(a, actor=cast.leader_b)
    client.force_login(chair)
    page = client.get(reverse("reform:assessment", args=[a.pk])).content.decode()
    accept = 'value="accept"'
    assert accept in _row(page, "1.1.1") and accept in _row(page, "9.1.2")
    assert accept not in _row(page, "9.1.1")
    assert 'value="adjust"' in _row(page, "9.1.1")  # the team may still award it
