"""Home Affairs start a survey from the browser: the form, its checks in Vietnamese, the
draft campaign it creates (with its log row), and nobody else may open it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cchc.surveys.models import Campaign, SurveyEvent
from cchc.surveys.tests.conftest import draft_campaign, new_campaign_form
from cchc.testing import client_for

pytestmark = pytest.mark.django_db


def post(cast, questionnaire, **over):  # type: ignore[no-untyped-def]
    # the transactions of a period that has begun (a window not begun yet is refused)
    data = new_campaign_form(
        cast, questionnaire, **{"name": "Khảo sát SIPAS 2027", "code": "SIPAS-2027", **over}
    )
    return client_for(cast.province_admin).post(reverse("surveys:campaign_new"), data)


def test_home_affairs_create_a_draft_campaign_with_its_units_and_modes(cast, questionnaire):
    admin = client_for(cast.province_admin)
    index = admin.get(reverse("surveys:index")).content.decode()
    assert reverse("surveys:campaign_new") in index
    page = admin.get(reverse("surveys:campaign_new"))
    assert page.status_code == 200
    body = page.content.decode()
    # every current unit of the province is offered, ticked to begin with
    assert f'value="{cast.agency_a.pk}"' in body and "checked" in body

    r = post(cast, questionnaire)
    assert r.status_code == 302 and r.url == reverse("surveys:campaign", args=["SIPAS-2027"])
    campaign = Campaign.objects.get(code="SIPAS-2027")
    assert campaign.status == Campaign.Status.DRAFT
    assert campaign.modes == ["online", "paper_desk"] and campaign.anonymous
    assert {u.agency_id for u in campaign.units.all()} == {cast.agency_a.pk, cast.agency_b.pk}
    event = SurveyEvent.objects.get(campaign=campaign)
    assert event.action == "create" and event.actor_id == cast.province_admin.pk


def test_bad_input_is_refused_on_its_field_in_vietnamese_and_nothing_is_created(
    cast, questionnaire
):
    post(cast, questionnaire)
    again = post(cast, questionnaire, name="Lần hai").content.decode()
    assert "Đã có đợt khảo sát khác dùng mã này." in again
    backwards = post(cast, questionnaire, code="KS-LUI", date_to="2025-12-31").content.decode()
    assert "Ngày kết thúc trước ngày bắt đầu." in backwards
    period = post(cast, questionnaire, code="KS-KY", period="năm nay").content.decode()
    assert "“năm nay” không phải là một kỳ: hãy ghi một năm (2027)" in period
    none = post(cast, questionnaire, code="KS-RONG", agencies=[]).content.decode()
    assert 'aria-invalid="true"' in none
    assert list(Campaign.objects.values_list("code", flat=True)) == ["SIPAS-2027"]
    # what was typed is kept on the page sent back
    assert "KS-RONG" in none


def test_a_window_that_can_hold_nobody_is_refused(cast, questionnaire):
    """QA walk B (QA-B-FUT): a window in the future, or outside the campaign's period, holds no
    transaction of the period surveyed (domain.md §6: the frame is the period's applicants)."""
    import datetime as dt

    from django.utils import timezone

    from cchc.core.errors import ValidationFailed

    outside = "Các giao dịch được khảo sát phải nằm trong kỳ của đợt khảo sát"
    future = post(
        cast, questionnaire, code="QA-B-FUT", date_from="2030-01-01", date_to="2031-01-01"
    ).content.decode()
    assert f"{outside} 2026 (01/01/2026–31/12/2026)." in future
    earlier = post(cast, questionnaire, code="KS-TRUOC", period="2027").content.decode()
    assert f"{outside} 2027 (01/01/2027–31/12/2027)." in earlier
    quarter = post(cast, questionnaire, code="KS-QUY", period="2026-Q2").content.decode()
    assert f"{outside} 2026-Q2 (01/04/2026–30/06/2026)." in quarter
    # the whole window inside a period not begun yet
    today = timezone.localdate()
    nxt = today.year + 1
    ahead = post(
        cast,
        questionnaire,
        code="KS-SAU",
        period=str(nxt),
        date_from=f"{nxt}-01-01",
        date_to=f"{nxt}-03-31",
    ).content.decode()
    assert f"bắt đầu sau hôm nay ({today:%d/%m/%Y})" in ahead and 'aria-invalid="true"' in ahead
    assert not Campaign.objects.exists()
    # the service refuses it too, whoever calls it
    with pytest.raises(ValidationFailed, match="nằm trong kỳ"):
        draft_campaign(
            cast,
            questionnaire,
            code="KS-API",
            date_from=dt.date(2025, 7, 1),
            date_to=dt.date(2026, 6, 30),
        )
    # a window that has begun, within its period, is taken (it may still be running)
    assert post(cast, questionnaire, code="KS-NAY", date_to="2026-12-31").status_code == 302


def test_only_home_affairs_may_open_the_form(cast):
    url = reverse("surveys:campaign_new")
    for user in (cast.clerk_a, cast.leader_a, cast.inspector, cast.citizen):
        assert client_for(user).get(url).status_code == 403, user
    assert (
        reverse("surveys:campaign_new")
        not in client_for(cast.leader_a).get(reverse("surveys:index")).content.decode()
    )


def test_home_affairs_set_each_units_quota_from_the_campaign_page(cast, questionnaire):
    """The campaign page links each unit's quota to the all-units quota page (one way to set
    a quota), where it is set."""
    from cchc.surveys.models import Quota

    post(cast, questionnaire)
    admin = client_for(cast.province_admin)
    url = reverse("surveys:campaign", args=["SIPAS-2027"])
    quotas = reverse("surveys:quotas", args=["SIPAS-2027"])
    page = admin.get(url).content.decode()
    assert f'href="{quotas}#q_{cast.agency_a.code}"' in page
    assert 'value="quota"' not in page and 'name="target"' not in page
    line = f"q_{cast.agency_a.code}"

    r = admin.post(quotas, {line: "40"}, follow=True)
    assert "Đã đặt chỉ tiêu phiếu của 1 đơn vị" in r.content.decode()
    assert Quota.objects.get(campaign__code="SIPAS-2027", agency=cast.agency_a).target == 40
    # the quota page shows the quota now in force
    assert f'name="{line}" value="40"' in admin.get(quotas).content.decode()
    admin.post(quotas, {line: "55"})
    assert Quota.objects.get(campaign__code="SIPAS-2027", agency=cast.agency_a).target == 55
    assert SurveyEvent.objects.filter(campaign__code="SIPAS-2027", action="quota").count() == 2

    # refused, in Vietnamese, and nothing changed
    for typed, said in (
        ("nhiều", "số nguyên"),
        ("-1", "không được âm"),
        # beyond any database's integer: a message, not a server error
        ("99999999999999999999", "tối đa 100.000 phiếu"),
    ):
        body = admin.post(quotas, {line: typed}, follow=True).content.decode()
        assert said in body, typed
    # a unit the campaign does not survey has no line to set
    assert f"q_{cast.agency_c.code}" not in admin.get(quotas).content.decode()
    admin.post(quotas, {f"q_{cast.agency_c.code}": "10"})
    assert Quota.objects.filter(campaign__code="SIPAS-2027").count() == 1
    assert Quota.objects.get(campaign__code="SIPAS-2027").target == 55

    # unit staff see the quotas, not the link, and may not post them
    leader = client_for(cast.leader_a)
    assert quotas not in leader.get(url).content.decode()
    denied = leader.post(quotas, {line: "1"})
    assert denied.status_code == 403


def test_home_affairs_start_a_questionnaire_of_their_own(cast, method):
    from cchc.surveys.models import Questionnaire, QuestionnaireEvent

    admin = client_for(cast.province_admin)
    url = reverse("surveys:questionnaire_new")
    assert url in admin.get(reverse("surveys:index")).content.decode()
    data = {
        "method": method.pk,
        "code": "sipas-2027-so",
        "title": "Phiếu khảo sát các sở 2027",
        "introduction": "Xin ông/bà cho biết ý kiến.",
    }
    r = admin.post(url, data)
    made = Questionnaire.objects.get(code="sipas-2027-so")
    assert r.status_code == 302 and r["Location"] == reverse("surveys:builder", args=[made.pk])
    assert made.method == method and not made.is_published
    assert QuestionnaireEvent.objects.get(questionnaire=made).action == "create"
    again = admin.post(url, {**data, "title": "Lần hai"}).content.decode()
    assert 'aria-invalid="true"' in again
    assert Questionnaire.objects.filter(code="sipas-2027-so").count() == 1
    assert client_for(cast.leader_a).get(url).status_code == 403


def test_each_campaign_step_says_what_it_did(cast, questionnaire):
    post(cast, questionnaire)
    admin = client_for(cast.province_admin)
    url = reverse("surveys:campaign", args=["SIPAS-2027"])
    admin.post(reverse("surveys:quotas", args=["SIPAS-2027"]), {f"q_{cast.agency_a.code}": "40"})
    drawn = admin.post(url, {"action": "draw", "unit": cast.agency_a.code}, follow=True)
    body = drawn.content.decode()
    # no dossiers in the period: the sample is empty, and the page says so against the quota
    assert "Đã chọn mẫu của UBND phường Hoàn Kiếm: 0 người trên tổng số 0." in body
    assert "Mẫu (0) nhỏ hơn chỉ tiêu của đơn vị (40)" in body
    opened = admin.post(url, {"action": "open"}, follow=True).content.decode()
    assert "Đã bắt đầu thu phiếu" in opened
    closed = admin.post(url, {"action": "close"}, follow=True).content.decode()
    assert "Đã kết thúc thu phiếu" in closed
