"""Bad input on the Home Affairs and appraisal pages: the template editor, template settings,
appraisal teams, appraisal, external values and targets are parsed by Django forms; each
refusal is shown as a Vietnamese message and nothing is saved."""

from __future__ import annotations

import html

import pytest
from django.urls import reverse

from cchc.core.actors import SYSTEM
from cchc.reform import assessments, criteria
from cchc.reform.models import (
    AppraisalTeam,
    Assessment,
    AssessmentStatus,
    ExternalValue,
    Score,
    Target,
    Template,
    TemplateStatus,
)
from cchc.reform.tests.helpers import appraisal_team, build_template
from cchc.testing import UserFactory


def page(response) -> str:  # type: ignore[no-untyped-def]
    return html.unescape(response.content.decode())


def node(code, parent, kind, maximum, method=""):  # type: ignore[no-untyped-def]
    return {
        "action": "node",
        "code": code,
        "parent_code": parent,
        "kind": kind,
        "max_points": maximum,
        "method": method,
        "name": f"Nội dung {code}",
    }


@pytest.mark.django_db
def test_node_editor_refuses_bad_points_and_children_that_do_not_add_up(client, cast):
    t = criteria.create_template(actor=SYSTEM, code="D-2027", year=2027, name="Nháp")
    client.force_login(cast.province_admin)
    url = reverse("reform:template_action", args=[t.pk])
    r = client.post(url, node("1", "", "field", "-5"), follow=True)
    assert "lớn hơn hoặc bằng" in page(r)  # Django's Vietnamese min_value message
    r = client.post(url, node("1", "", "field", "mười"), follow=True)
    assert "Điểm tối đa: Nhập một số." in page(r)
    assert not t.nodes.exists()
    r = client.post(url, {**node("1", "", "field", "10"), "kind": "chapter"}, follow=True)
    assert not t.nodes.exists()
    # a computed leaf must name its platform measure
    client.post(url, node("1", "", "field", "10"))
    client.post(url, node("1.1", "1", "criterion", "10"))
    r = client.post(url, node("1.1.1", "1.1", "subcriterion", "6", "computed"), follow=True)
    assert "số đo" in page(r) and not t.nodes.filter(code="1.1.1").exists()
    client.post(url, node("1.1.1", "1.1", "subcriterion", "6", "self"))
    client.post(url, node("1.1.2", "1.1", "subcriterion", "3,5", "self"))  # a decimal comma
    assert str(t.nodes.get(code="1.1.2").max_points) == "3.50"
    # 6 + 3.5 != 10: publishing is refused with the sums, the template stays a draft
    r = client.post(url, {"action": "publish"}, follow=True)
    assert "cộng lại được 9,5 điểm" in page(r) or "cộng lại được 9.5 điểm" in page(r)
    t.refresh_from_db()
    assert t.status == TemplateStatus.DRAFT


@pytest.mark.django_db
def test_a_published_template_is_not_edited_from_the_editor(client, cast):
    t = build_template()
    client.force_login(cast.province_admin)
    url = reverse("reform:template_action", args=[t.pk])
    r = client.post(url, node("1.1.1", "1.1", "subcriterion", "5", "self"), follow=True)
    assert "đã ban hành, không được sửa" in page(r)
    assert t.nodes.get(code="1.1.1").max_points == 10
    r = client.post(
        url, {"action": "settings", "name": "Đổi tên", "grades": "A:90, B:0"}, follow=True
    )
    assert "đã ban hành, không được sửa" in page(r)
    t.refresh_from_db()
    assert t.name == "Mẫu T-2026" and t.grades == []
    r = client.post(url, {"action": "delete_node", "node": t.nodes.get(code="1.1.1").pk})
    assert t.nodes.count() == 7


@pytest.mark.django_db
def test_settings_form_refuses_bad_grade_bands(client, cast):
    t = criteria.create_template(actor=SYSTEM, code="G", year=2026, name="G")
    client.force_login(cast.province_admin)
    url = reverse("reform:template_action", args=[t.pk])
    for grades in ("A:120", "A:90, A:80", ":50"):
        r = client.post(url, {"action": "settings", "name": "Khác", "grades": grades}, follow=True)
        assert "A:90, B:80, C:0" in page(r) or "một lần" in page(r), grades
    r = client.post(url, {"action": "settings", "name": "", "grades": ""}, follow=True)
    assert "bắt buộc" in page(r)
    t.refresh_from_db()
    assert (t.name, t.grades) == ("G", [])


@pytest.mark.django_db
def test_new_template_form(client, cast):
    client.force_login(cast.province_admin)
    url = reverse("reform:template_create")
    r = client.post(url, {"code": "N", "year": "hai nghìn", "name": "x"}, follow=True)
    assert "Năm" in page(r)
    r = client.post(url, {"code": "N", "year": "2026"}, follow=True)
    assert "Đặt tên" in page(r)
    assert not Template.objects.exists()
    r = client.post(url, {"code": "N", "year": "2026", "name": "Mẫu mới", "survey_optional": "1"})
    t = Template.objects.get(code="N")
    assert r.status_code == 302 and t.survey_optional and t.year == 2026
    client.force_login(cast.specialist_b)
    assert client.post(url, {"code": "M", "year": "2026", "name": "x"}).status_code == 403


@pytest.mark.django_db
def test_team_form_refuses_unknown_people_and_members_of_the_appraised_unit(client, cast):
    t = build_template()
    UserFactory(username="tham_dinh")
    client.force_login(cast.province_admin)
    url = reverse("reform:template_action", args=[t.pk])
    team = {"action": "team", "team_name": "Tổ 1", "chair": "tham_dinh"}
    r = client.post(url, {**team, "chair": "khong_co", "agencies": "H26.01"}, follow=True)
    assert "Không có người dùng" in page(r)
    r = client.post(url, {**team, "members": "ai_do", "agencies": "H26.01"}, follow=True)
    assert "ai_do" in page(r)
    r = client.post(url, {**team, "agencies": "XX.99"}, follow=True)
    assert "XX.99" in page(r)
    r = client.post(
        url,
        {**team, "members": cast.specialist_b.username, "agencies": cast.agency_b.code},
        follow=True,
    )
    assert "không được thẩm định" in page(r)
    assert not AppraisalTeam.objects.exists()
    client.post(url, {**team, "agencies": cast.agency_b.code})
    assert AppraisalTeam.objects.get().chair.username == "tham_dinh"


# Each form of the template page: what a valid post holds, what makes it refused, a value
# of the refused post the page must show again, the message once saved and what was saved.
TEMPLATE_PAGE_FORMS = {
    "node": (
        node("1", "", "field", "10"),
        {"max_points": "mười"},
        "Nội dung 1",
        "Đã lưu nội dung.",
        lambda t: t.nodes.filter(code="1", name="Nội dung 1").exists(),
    ),
    "settings": (
        {"action": "settings", "name": "Mẫu F", "grades": "A:90, B:0"},
        {"name": ""},
        "A:90, B:0",
        "Đã lưu bộ chỉ số.",
        lambda t: t.name == "Mẫu F" and [g["grade"] for g in t.grades] == ["A", "B"],
    ),
    "deadline": (
        {"action": "deadline", "deadline": "2026-11-30T17:00"},
        {"deadline": "ngày mai"},
        "ngày mai",
        "Đã lưu hạn nộp.",
        lambda t: t.deadline is not None,
    ),
    "team": (
        {"action": "team", "team_name": "", "chair": "tham_dinh", "agencies": "H26.01"},
        {"chair": "khong_co"},
        "khong_co",
        "Đã lập tổ thẩm định.",
        lambda t: [team.name for team in t.teams.all()] == ["Tổ thẩm định"],  # the default name
    ),
}


@pytest.mark.django_db
@pytest.mark.parametrize("action", TEMPLATE_PAGE_FORMS)
def test_each_form_of_the_template_page_saves_or_comes_back_as_typed(client, cast, action):
    """The four forms of the template page share one dispatch (views/templates.py,
    TEMPLATE_FORMS): refused, the page again with that form as typed under its own name and
    one error message; saved, the service's change, the form's message and the template page."""
    good, bad, typed, message, was_saved = TEMPLATE_PAGE_FORMS[action]
    UserFactory(username="tham_dinh")
    t = criteria.create_template(actor=SYSTEM, code="F", year=2026, name="F")
    client.force_login(cast.province_admin)
    url = reverse("reform:template_action", args=[t.pk])
    r = client.post(url, {**good, **bad})
    assert r.status_code == 200
    form = r.context[f"{action}_form"]
    assert form.is_bound and set(form.errors) == set(bad)
    assert f'value="{typed}"' in page(r)
    assert [m.level_tag for m in r.context["messages"]] == ["error"]
    t.refresh_from_db()
    assert not was_saved(t)
    r = client.post(url, good, follow=True)
    assert r.redirect_chain == [(reverse("reform:template", args=[t.pk]), 302)]
    assert [str(m) for m in r.context["messages"]] == [message]
    t.refresh_from_db()
    assert was_saved(t)


@pytest.mark.django_db
def test_appraisal_refuses_scores_out_of_range_and_the_units_own_staff(client, cast):
    t = build_template()
    chair = appraisal_team(t, cast.agency_b)
    a = assessments.open_assessment(t, cast.agency_b, actor=cast.specialist_b)
    assessments.set_self_score(a, "1.1.1", actor=cast.specialist_b, score=9, explanation="Có")
    assessments.set_self_score(a, "1.1.2", actor=cast.specialist_b, score=15, explanation="Có")
    assessments.submit(a, actor=cast.leader_b)
    url = reverse("reform:assessment_action", args=[a.pk])
    client.force_login(chair)
    adjust = {"action": "adjust", "node": "1.1.1", "comment": "Thiếu văn bản"}
    r = client.post(url, {**adjust, "score": "11"}, follow=True)
    assert "không được vượt điểm tối đa 10" in page(r)
    r = client.post(url, {**adjust, "score": "-1"}, follow=True)
    assert "lớn hơn hoặc bằng" in page(r)
    r = client.post(url, {**adjust, "score": "7", "comment": ""}, follow=True)
    assert Score.objects.get(assessment=a, node__code="1.1.1").appraised_score is None
    # a member of the appraised unit: refused even with a well-formed adjustment
    client.force_login(cast.leader_b)
    r = client.post(url, {**adjust, "score": "7"}, follow=True)
    assert "không được thẩm định đơn vị mình" in page(r)
    assert Score.objects.get(assessment=a, node__code="1.1.1").appraised_score is None
    client.force_login(chair)
    client.post(url, {**adjust, "score": "7,5"})
    assert str(Score.objects.get(assessment=a, node__code="1.1.1").appraised_score) == "7.50"


EXTERNAL_VALUE = {"action": "value", "index": "PAPI", "year": "2025", "node_code": "D1"}
TARGET = {"action": "target", "year": "2026", "index": "PAR"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("post", "message", "model"),
    [
        # a dimension is out of 10
        ({**EXTERNAL_VALUE, "score": "11"}, "Điểm phải từ 0 đến 10", ExternalValue),
        ({**EXTERNAL_VALUE, "score": "-2"}, "lớn hơn hoặc bằng", ExternalValue),
        ({**EXTERNAL_VALUE, "score": "5", "province_code": "1"}, "hai chữ số", ExternalValue),
        ({**EXTERNAL_VALUE, "score": "5", "lead_agency": "XX.99"}, "XX.99", ExternalValue),
        ({**TARGET, "kind": "rank", "value": "mười"}, "phải là một số", Target),
        ({**TARGET, "kind": "rank", "value": "0"}, "số nguyên từ 1", Target),
        ({**TARGET, "kind": "score", "value": "-3"}, "không được âm", Target),
    ],
)
def test_external_value_and_target_forms_refuse_bad_input(client, cast, post, message, model):
    client.force_login(cast.province_admin)
    r = client.post(reverse("reform:external"), post, follow=True)
    assert message in page(r)
    assert not model.objects.exists()


@pytest.mark.django_db
def test_external_value_and_target_forms(client, cast):
    client.force_login(cast.province_admin)
    url = reverse("reform:external")
    client.post(url, {**EXTERNAL_VALUE, "score": "6,25", "lead_agency": cast.agency_b.code})
    saved = ExternalValue.objects.get()
    assert (str(saved.score), saved.province_code, saved.lead_agency) == (
        "6.2500",
        "01",
        cast.agency_b,
    )
    client.post(url, {**TARGET, "kind": "rank", "value": "10", "owner": cast.agency_b.code})
    assert Target.objects.get().owner == cast.agency_b
    client.force_login(cast.specialist_b)
    assert client.post(url, {**TARGET, "kind": "rank", "value": "5"}).status_code == 403
    assert Target.objects.count() == 1


@pytest.mark.django_db
def test_progress_shows_home_affairs_late_and_incomplete_units(client, cast):
    import datetime as dt

    from django.utils import timezone

    t = build_template(deadline=timezone.now() + dt.timedelta(hours=1))
    a = assessments.open_assessment(t, cast.agency_b, actor=cast.specialist_b)
    assessments.set_self_score(a, "1.1.1", actor=cast.specialist_b, score=5, explanation="Có")
    # scored before the deadline, which then passes (a late draft's scores are locked)
    criteria.set_deadline(t, actor=SYSTEM, deadline=timezone.now() - dt.timedelta(hours=1))
    client.force_login(cast.province_admin)
    r = page(client.get(reverse("reform:progress", args=[t.pk])))
    row = r[r.index(cast.agency_b.code) :].split("</tr>")[0]
    assert "1/2" in row and "chưa đầy đủ" in row and "quá hạn" in row
    assert "Đã quá hạn" in r
    # a unit that has not opened its self-assessment is listed too
    assert cast.agency_c.code in r[r.index("<h2>") :]


@pytest.mark.django_db
def test_what_if_on_a_platform_measure_changes_nothing(client, cast):
    t = build_template()  # 1.1.2 is computed from online_share, full marks at 80 %
    a = assessments.open_assessment(t, cast.agency_b, actor=SYSTEM)
    Score.objects.filter(assessment=a, node__code="1.1.1").update(appraised_score=5)
    Score.objects.filter(assessment=a, node__code="1.1.2").update(appraised_score=10)
    Assessment.objects.filter(pk=a.pk).update(status=AssessmentStatus.FINAL)  # appraised
    client.force_login(cast.province_admin)
    url = reverse("reform:unit", args=[2026, cast.agency_b.code])
    r = client.get(url, {"whatif": "1", "metric": "online_share", "metric_value": "80"})
    whatif = r.context["whatif"]
    assert whatif["before"]["points"] == 15 and whatif["after"]["points"] == 25
    r = client.get(url, {"whatif": "1", "metric": "online_share", "metric_value": "120"})
    assert r.context["whatif"] is None and "nhỏ hơn hoặc bằng" in page(r)
    assert Score.objects.get(assessment=a, node__code="1.1.2").appraised_score == 10


@pytest.mark.django_db
def test_a_group_target_is_on_track_while_the_province_stays_in_its_group(cast):
    from cchc.reform import external

    external.record_value(
        actor=SYSTEM, index="PAPI", year=2025, province_code="01", score=45, group="Nhóm 1"
    )
    stay = external.save_target(actor=SYSTEM, year=2025, index="PAPI", kind="group", value="Nhóm 1")
    move = external.save_target(actor=SYSTEM, year=2025, index="PAPI", kind="group", value="Nhóm 2")
    assert external.assess_target(stay)["on_track"] is True
    assert external.assess_target(move)["on_track"] is False
