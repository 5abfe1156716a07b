"""Defects found by exploratory testing of the demo: what a person typed survives a refusal
(self score, appraisal, appraisal team), one appraisal team per unit, the way to finalise an
appraisal is told, drafts are not ranked and publishing an unfinished year asks first, the
ranking's bars read at any width, numbers are written as Vietnamese writes them, and pages
speak to Home Affairs rather than to developers."""

from __future__ import annotations

import html
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from cchc.core.actors import SYSTEM
from cchc.core.errors import ValidationFailed
from cchc.reform import appraisal, assessments, publishing, results
from cchc.reform.models import (
    AppraisalTeam,
    Assessment,
    ReformEvent,
    ResultSet,
    Score,
    TemplateNode,
)
from cchc.reform.tests.helpers import appraisal_team, build_template, submitted
from cchc.testing import UserFactory


def page(response) -> str:  # type: ignore[no-untyped-def]
    return html.unescape(response.content.decode())


def tag(text: str, element_id: str) -> str:
    """The opening tag of the element with this id."""
    match = re.search(rf"<[a-z]+[^>]*\bid=\"{re.escape(element_id)}\"[^>]*>", text)
    assert match, element_id
    return match.group(0)


# ------------------------------------------------------------------ 1. a refused self score
@pytest.mark.django_db
@pytest.mark.parametrize(
    ("typed", "error"),
    [
        ("abc", "Nhập một số"),
        ("11", "không được vượt điểm tối đa 10"),
        ("-1", "lớn hơn hoặc bằng 0"),
    ],
)
def test_a_refused_self_score_keeps_the_typed_score_and_explanation(client, cast, typed, error):
    t = build_template()
    a = assessments.open_assessment(t, cast.agency_b, actor=cast.specialist_b)
    assessments.set_self_score(a, "1.1.1", actor=cast.specialist_b, score=5, explanation="Cũ")
    client.force_login(cast.leader_b)
    url = reverse("reform:assessment_action", args=[a.pk])
    r = client.post(
        url, {"action": "score", "node": "1.1.1", "score": typed, "explanation": "Giải trình mới"}
    )
    assert r.status_code == 200  # the sheet again, not a redirect to the saved values
    text = page(r)
    field = tag(text, "sc-1.1.1-score")
    assert 'aria-invalid="true"' in field and f'value="{typed}"' in field
    assert "Giải trình mới</textarea>" in text
    row = text[text.index('id="n-1.1.1"') : text.index('id="n-1.1.2"')]
    assert error in row  # the error in the row, in Vietnamese
    saved = Score.objects.get(assessment=a, node__code="1.1.1")
    assert (saved.self_score, saved.explanation) == (5, "Cũ")  # nothing saved
    # the other rows keep their saved values, unbound
    assert 'aria-invalid="true"' not in tag(text, "sc-1.1.2-score")
    r = client.post(url, {"action": "score", "node": "1.1.1", "score": "7,5", "explanation": "Mới"})
    assert r.status_code == 302 and r["Location"].endswith("#n-1.1.1")
    assert Score.objects.get(assessment=a, node__code="1.1.1").self_score == Decimal("7.5")


@pytest.mark.django_db
def test_a_refused_appraisal_keeps_the_typed_score_and_reason(client, cast):
    t = build_template()
    a = submitted(cast, t)
    # Home Affairs appraises as the chair of the unit's team
    appraisal.create_team(
        t, actor=SYSTEM, name="Tổ 1", chair=cast.province_admin, members=[], agencies=[a.agency]
    )
    client.force_login(cast.province_admin)
    url = reverse("reform:assessment_action", args=[a.pk])
    r = client.post(
        url, {"action": "adjust", "node": "1.1.1", "score": "abc", "comment": "Văn bản muộn"}
    )
    assert r.status_code == 200
    text = page(r)
    assert 'aria-invalid="true"' in tag(text, "ap-1.1.1-score")
    assert 'value="Văn bản muộn"' in tag(text, "ap-1.1.1-comment")
    # a changed score without its reason: the error on the reason, the score kept
    r = client.post(url, {"action": "adjust", "node": "1.1.1", "score": "6", "comment": ""})
    assert r.status_code == 200
    text = page(r)
    assert 'aria-invalid="true"' in tag(text, "ap-1.1.1-comment")
    assert 'value="6"' in tag(text, "ap-1.1.1-score")
    assert "lý do" in text[text.index('id="n-1.1.1"') : text.index('id="n-1.1.2"')]
    assert Score.objects.get(assessment=a, node__code="1.1.1").appraised_score is None
    r = client.post(url, {"action": "adjust", "node": "1.1.1", "score": "6", "comment": "Muộn"})
    assert r.status_code == 302
    assert Score.objects.get(assessment=a, node__code="1.1.1").appraised_score == 6


# ----------------------------------------------------------------------- 2. appraisal teams
@pytest.mark.django_db
def test_a_refused_team_keeps_what_was_typed_and_a_unit_has_one_team(client, cast):
    t = build_template()
    chair, other = UserFactory(username="to_truong"), UserFactory(username="to_truong_2")
    client.force_login(cast.province_admin)
    url = reverse("reform:template_action", args=[t.pk])
    typed = {
        "action": "team",
        "team_name": "Tổ thẩm định số 2",
        "chair": "khong_co_ai",
        "members": "to_truong_2",
        "agencies": "H26.100 H26.01",
    }
    r = client.post(url, typed)
    assert r.status_code == 200
    text = page(r)
    assert 'aria-invalid="true"' in tag(text, "team-chair")
    assert 'value="Tổ thẩm định số 2"' in tag(text, "team-team_name")
    assert 'value="to_truong_2"' in tag(text, "team-members")
    assert 'value="H26.100 H26.01"' in tag(text, "team-agencies")
    assert not AppraisalTeam.objects.exists()
    appraisal.create_team(
        t, actor=SYSTEM, name="Tổ thẩm định số 1", chair=chair, members=[], agencies=[cast.agency_a]
    )
    # H26.100 is already in team 1: refused, naming that team, the form as typed
    r = client.post(url, {**typed, "chair": "to_truong_2", "members": ""})
    assert r.status_code == 200
    text = page(r)
    assert "H26.100 thuộc Tổ thẩm định số 1" in text
    assert 'aria-invalid="true"' in tag(text, "team-agencies")
    assert 'value="H26.100 H26.01"' in tag(text, "team-agencies")
    assert AppraisalTeam.objects.count() == 1
    with pytest.raises(ValidationFailed, match="Tổ thẩm định số 1"):
        appraisal.create_team(
            t, actor=SYSTEM, name="Tổ 3", chair=other, members=[], agencies=[cast.agency_a]
        )
    # another unit: a second team is fine
    r = client.post(url, {**typed, "chair": "to_truong_2", "members": "", "agencies": "H26.01"})
    assert r.status_code == 302 and AppraisalTeam.objects.count() == 2


# ------------------------------------------------------- 3. how the appraisal is finalised
@pytest.mark.django_db
def test_who_could_appraise_is_told_how_the_appraisal_is_finalised(client, cast):
    t = build_template()
    a = submitted(cast, t)
    client.force_login(cast.province_admin)
    url = reverse("reform:assessment", args=[a.pk])
    text = page(client.get(url))
    assert 'id="finalise"' not in text
    hint = text[text.index('id="finalise-hint"') :]
    hint = hint[: hint.index("</article>")]
    assert "chưa thuộc tổ thẩm định nào" in hint
    assert f'href="{reverse("reform:template", args=[t.pk])}#team-form"' in hint
    chair = appraisal_team(t, cast.agency_b, first_name="Tổ", last_name="Trưởng")
    hint = page(client.get(url))
    hint = hint[hint.index('id="finalise-hint"') :]
    assert "Tổ 1" in hint[: hint.index("</article>")]
    assert chair.display_name in hint[: hint.index("</article>")]
    # the chair has the button and needs no hint; the unit's own staff see neither
    client.force_login(chair)
    text = page(client.get(url))
    assert 'id="finalise"' in text and 'id="finalise-hint"' not in text
    client.force_login(cast.specialist_b)
    assert 'id="finalise-hint"' not in page(client.get(url))


# -------------------------------------------------------- 4. what a ranking and publishing
@pytest.mark.django_db
def test_a_draft_is_not_ranked_and_publishing_an_unfinished_year_asks_first(client, cast):
    t = build_template()
    submitted(cast, t)  # H26.01: submitted, 26 of 30 self-scored points
    draft = assessments.open_assessment(t, cast.agency_c, actor=cast.outsider)
    assessments.set_self_score(draft, "1.1.1", actor=cast.outsider, score=10)  # a partial draft
    doc = results.compute_year(2026, "01")
    assert [r["code"] for r in doc["agencies"]] == ["H26.01"]
    assert [u["code"] for u in doc["not_submitted"]] == ["H26.02"]
    assert results.readiness(2026, "01") == {
        "final": 0,
        "appraising": 1,
        "draft": 1,
        "not_started": 1,  # H26.100
        "unfinished": 3,
    }
    client.force_login(cast.province_admin)
    text = page(client.get(reverse("reform:ranking", args=[2026])))
    ranked = text[: text.index('id="not-submitted"')]
    assert "Sở Tư pháp" in ranked and "Sở Xây dựng" not in ranked
    assert "chưa thẩm định xong" in ranked  # ranked on self scores nobody appraised yet
    assert "H26.02 Sở Xây dựng" in text[text.index('id="not-submitted-units"') :]
    unfinished = text[text.index('id="unfinished"') :]
    assert "3 đơn vị chưa hoàn thành" in unfinished and 'name="confirm_incomplete"' in unfinished
    # without the confirmation nothing is published, and the page says why
    r = client.post(reverse("reform:publish", args=[2026]), follow=True)
    assert not ResultSet.objects.exists() and "1 đơn vị chưa bắt đầu" in page(r)
    client.post(reverse("reform:publish", args=[2026]), {"confirm_incomplete": "1"})
    published = ResultSet.objects.get()
    assert [r["code"] for r in published.summary] == ["H26.01"]


@pytest.mark.django_db
def test_a_complete_year_is_published_without_asking(cast):
    t = build_template(unit_level="PROVINCE_AGENCY")  # H26.100, a commune, is not concerned
    chair = appraisal_team(t, cast.agency_b)
    a = appraisal.finalise(submitted(cast, t), actor=chair)
    for agency in (cast.agency_c,):
        b = assessments.open_assessment(t, agency, actor=SYSTEM)
        Assessment.objects.filter(pk=b.pk).update(status=a.status)
    assert results.readiness(2026, "01")["unfinished"] == 0
    assert publishing.publish_results(2026, actor=SYSTEM).version == 1


# ------------------------------------------------------------ 5. the ranking's bar chart
@pytest.mark.django_db
def test_the_ranking_bars_keep_their_proportions_and_numbers_in_attributes(client, cast):
    t = build_template()
    submitted(cast, t)  # (8 + 18) / 50 → 52 %
    client.force_login(cast.province_admin)
    with translation.override("vi"):
        text = client.get(reverse("reform:ranking", args=[2026])).content.decode()
    chart = text[text.index('class="bar-chart"') :]
    chart = chart[: chart.index("</table>")]
    assert 'preserveAspectRatio="none"' not in text  # nothing stretched to fit
    assert 'style="width:52.0%"' in chart or 'style="width:52%"' in chart
    assert ">52,00<" in chart  # the figure itself as Vietnamese writes it
    # no number written with a decimal comma inside an attribute of the pages' drawings
    for path in (reverse("reform:ranking", args=[2026]), reverse("reform:template", args=[t.pk])):
        with translation.override("vi"):
            body = client.get(path).content.decode()
        for value in re.findall(r'(?:style|width|height|x|y|x1|x2)="([^"]*)"', body):
            assert not re.search(r"\d,\d", value), (path, value)
        assert "padding-left:1.5em" in body or path.endswith("2026/")


# --------------------------------------------------------- 6. numbers as Vietnamese writes
@pytest.mark.django_db
def test_points_in_messages_and_histories_use_the_decimal_comma(cast):
    node = TemplateNode(code="1.1.1", max_points=Decimal("0.84"))
    with translation.override("vi"), pytest.raises(ValidationFailed) as refused:
        assessments.check_range(Decimal("0.9"), node, "score")
    assert "0,84" in refused.value.message and "0.84" not in refused.value.message
    t = build_template()
    a = assessments.open_assessment(t, cast.agency_b, actor=cast.specialist_b)
    assessments.set_self_score(a, "1.1.1", actor=cast.specialist_b, score="0,73")
    assessments.set_self_score(a, "1.1.1", actor=cast.specialist_b, score="0.8")
    event = ReformEvent.objects.filter(assessment=a, action="self_score").order_by("-seq")[0]
    assert event.data["from"] == "0.73" and event.data["to"] == "0.8"  # data: a decimal point
    with translation.override("vi"):
        assert event.details().startswith("0,73 → 0,8")
    with translation.override("en"):
        assert event.details().startswith("0.73 → 0.8")


# ---------------------------------------------------- 7. pages speak to Home Affairs
@pytest.mark.django_db
def test_home_affairs_is_not_told_to_run_a_command(client, cast):
    t = build_template()
    client.force_login(cast.province_admin)
    for path in (reverse("reform:home"), reverse("reform:template", args=[t.pk])):
        text = page(client.get(path))
        outside_details = re.sub(r"<details>.*?</details>", "", text, flags=re.S)
        assert "import_bundle" not in outside_details, path
        assert "par_templates.csv" not in outside_details, path
    home = page(client.get(reverse("reform:home")))
    assert "quản trị hệ thống" in home
