"""A template's log: every change Home Affairs makes to what units are scored on leaves a row
of TemplateEvent with who, when and the old and new values, shown on the template's page to
Home Affairs and inspectors (not to units)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from cchc.core.actors import SYSTEM
from cchc.core.calendar import LOCAL_TZ
from cchc.core.errors import TransitionNotAllowed, ValidationFailed
from cchc.reform import access, appraisal, assessments, criteria
from cchc.reform.models import AppraisalTeam, ResultSet, TemplateEvent
from cchc.reform.tests.helpers import NODES, appraisal_team, build_template, save_nodes


def _log(t):  # type: ignore[no-untyped-def]
    return list(TemplateEvent.objects.filter(template=t).order_by("seq"))


@pytest.mark.django_db
def test_every_change_to_a_template_is_logged_with_its_old_and_new_values(cast):
    admin = cast.province_admin
    t = criteria.create_template(actor=admin, code="T", year=2026, name="Mẫu 2026")
    save_nodes(t, NODES)
    # saving a node unchanged writes nothing; a new maximum (typed with a comma) is logged
    node: dict[str, Any] = {
        "code": "1.1.1",
        "parent_code": "1.1",
        "kind": "subcriterion",
        "method": "self",
    }
    criteria.save_node(t, actor=admin, name="Nội dung 1.1.1", max_points=10, **node)
    assert len(_log(t)) == 1 + len(NODES)
    criteria.save_node(t, actor=admin, name="Nội dung 1.1.1", max_points="12,5", **node)
    criteria.update_template(t, actor=admin, name="Mẫu 2026 (sửa)", survey_optional=False)
    criteria.delete_node(t.nodes.get(code="2"), actor=admin)
    with pytest.raises(ValidationFailed):  # refused: nothing logged
        criteria.save_node(t, actor=admin, code="9", name="x", kind="bogus", max_points=1)
    log = _log(t)
    assert [e.seq for e in log] == list(range(1, len(log) + 1))
    assert [e.action for e in log] == ["create"] + ["add_node"] * len(NODES) + [
        "change_node",
        "update",
        "delete_node",
    ]
    create, change, update, delete = log[0], log[-3], log[-2], log[-1]
    assert create.data["code"] == "T" and create.actor == admin
    assert log[1].node_code == "1" and log[1].data["max_points"] == "30"
    assert change.node_code == "1.1.1" and change.data == {"max_points": ["10", "12.5"]}
    assert change.actor_label == admin.display_name
    assert update.data == {"name": ["Mẫu 2026", "Mẫu 2026 (sửa)"]}  # survey_optional unchanged
    assert delete.node_code == "2" and delete.data["removed"] == ["2.1", "2.1.1"]
    # the log keeps the number as data; the page writes it as Vietnamese does
    assert "Nội dung 1.1.1" not in change.details() and "10 → 12,5" in change.details()


@pytest.mark.django_db
def test_publication_deadline_teams_and_copies_are_logged(cast):
    admin = cast.province_admin
    t = criteria.create_template(actor=admin, code="T", year=2026, name="Mẫu")
    save_nodes(t, NODES)
    criteria.publish_template(t, actor=admin)
    deadline = dt.datetime(2026, 11, 30, 17, 0, tzinfo=LOCAL_TZ)
    criteria.set_deadline(t, actor=admin, deadline=deadline)
    criteria.set_deadline(t, actor=admin, deadline=deadline)  # the same: nothing to log
    appraisal.create_team(
        t, actor=admin, name="Tổ 1", chair=cast.inspector, members=[], agencies=[cast.agency_a]
    )
    copy = criteria.copy_template(t, actor=admin, code="T-2027", year=2027)
    actions = [e.action for e in _log(t)][-3:]
    assert actions == ["publish", "deadline", "team"]
    publish, moved, team = _log(t)[-3:]
    assert publish.data == {"nodes": len(NODES)}
    assert moved.data == {"deadline": [None, deadline.isoformat()]}
    assert team.note == "Tổ 1" and team.data["agencies"] == [cast.agency_a.code]
    assert [e.action for e in _log(copy)] == ["create", "copy"]
    assert _log(copy)[1].data == {"from": "T", "nodes": len(NODES)}


@pytest.mark.django_db
def test_the_template_page_shows_its_log_to_home_affairs_and_inspectors_only(client, cast):
    t = criteria.create_template(actor=cast.province_admin, code="T", year=2026, name="Mẫu")
    save_nodes(t, NODES)
    criteria.publish_template(t, actor=SYSTEM)
    url = reverse("reform:template", args=[t.pk])
    for user in (cast.province_admin, cast.inspector):
        client.force_login(user)
        page = client.get(url).content.decode()
        assert 'id="template-log"' in page, user
        assert "Tạo mới" in page and "Thêm tiêu chí" in page
        assert cast.province_admin.display_name in page
    client.force_login(cast.specialist_a)
    page = client.get(url).content.decode()
    assert client.get(url).status_code == 200 and 'id="template-log"' not in page


@pytest.mark.django_db
def test_home_affairs_dissolves_a_team_with_a_reason_and_its_members_lose_the_unit(client, cast):
    t = build_template()
    chair = appraisal_team(t, cast.agency_b)
    a = assessments.open_assessment(t, cast.agency_b, actor=cast.specialist_b)
    assert access.is_appraiser(chair, a)
    team = AppraisalTeam.objects.get(template=t)
    url = reverse("reform:template_action", args=[t.pk])
    client.force_login(cast.province_admin)
    page = client.get(reverse("reform:template", args=[t.pk])).content.decode()
    assert f'name="team" value="{team.pk}"' in page
    # without a reason: refused, the team stays
    r = client.post(url, {"action": "remove_team", "team": team.pk, "reason": " "}, follow=True)
    assert AppraisalTeam.objects.filter(pk=team.pk).exists() and "lý do" in r.content.decode()
    # a unit's staff may not
    client.force_login(cast.specialist_b)
    assert (
        client.post(url, {"action": "remove_team", "team": team.pk, "reason": "x"}).status_code
        == 403
    )
    client.force_login(cast.province_admin)
    client.post(url, {"action": "remove_team", "team": team.pk, "reason": "Nhầm thành viên"})
    assert not AppraisalTeam.objects.filter(pk=team.pk).exists()
    assert not access.is_appraiser(chair, a)
    removed = _log(t)[-1]
    assert (removed.action, removed.note) == ("remove_team", "Nhầm thành viên")
    assert removed.data["chair"] == chair.username and removed.data["agencies"] == [
        cast.agency_b.code
    ]


@pytest.mark.django_db
def test_a_team_is_kept_once_the_years_results_are_published(cast):
    t = build_template()
    appraisal_team(t, cast.agency_b)
    team = AppraisalTeam.objects.get(template=t)
    ResultSet.objects.create(
        year=t.year,
        province_code=settings.CCHC_PROVINCE_CODE,
        document={},
        published_at=timezone.now(),
    )
    with pytest.raises(TransitionNotAllowed):
        appraisal.remove_team(team, actor=cast.province_admin, reason="muộn")
    assert AppraisalTeam.objects.filter(pk=team.pk).exists()
