"""The units of a draft campaign are added and removed by Home Affairs
(campaign_settings.change_units, the page c/<code>/units/): logged, quotas of a removed unit
dropped, a unit with a drawn sample kept with a reason; once collecting the list is fixed and
the page says why."""

import pytest

from cchc.core.errors import NotPermitted, TransitionNotAllowed, ValidationFailed
from cchc.surveys import campaign_settings, sampling, services
from cchc.surveys.models import CampaignUnit, Quota, SurveyEvent
from cchc.surveys.tests.conftest import draft_campaign

pytestmark = pytest.mark.django_db


def units(campaign):
    return set(
        CampaignUnit.objects.filter(campaign=campaign).values_list("agency__code", flat=True)
    )


def page(client, campaign):
    return client.get(f"/surveys/c/{campaign.code}/units/")


def test_home_affairs_add_and_remove_units_of_a_draft(cast, questionnaire, client):
    campaign = draft_campaign(cast, questionnaire)
    campaign_settings.set_quota(
        campaign, agency=cast.agency_a, target=40, actor=cast.province_admin
    )
    client.force_login(cast.province_admin)
    body = page(client, campaign).content.decode()
    assert 'id="units-form"' in body and "data-filterable" in body
    assert "Thêm" in body or "thêm" in body
    # add B and C
    response = client.post(
        f"/surveys/c/{campaign.code}/units/", {"add": [cast.agency_b.pk, cast.agency_c.pk]}
    )
    assert response.status_code == 302
    assert units(campaign) == {cast.agency_a.code, cast.agency_b.code, cast.agency_c.code}
    # remove A: its quota goes with it
    client.post(f"/surveys/c/{campaign.code}/units/", {"remove": [cast.agency_a.pk]})
    assert units(campaign) == {cast.agency_b.code, cast.agency_c.code}
    assert not Quota.objects.filter(campaign=campaign, agency=cast.agency_a).exists()
    logged = list(SurveyEvent.objects.filter(campaign=campaign, action="units").order_by("seq"))
    assert [e.data["added"] for e in logged] == [
        sorted([cast.agency_b.code, cast.agency_c.code]),
        [],
    ]
    assert logged[1].data["removed"] == [cast.agency_a.code]
    assert logged[1].actor_id == cast.province_admin.pk
    history = client.get(f"/surveys/c/{campaign.code}/").content.decode()
    assert "Thay đổi đơn vị được khảo sát" in history and cast.agency_a.code in history


def test_nothing_ticked_is_said_and_nothing_logged(cast, questionnaire, client):
    campaign = draft_campaign(cast, questionnaire)
    client.force_login(cast.province_admin)
    body = client.post(f"/surveys/c/{campaign.code}/units/", {}).content.decode()
    assert "Đánh dấu các đơn vị cần thêm hoặc bỏ" in body
    assert not SurveyEvent.objects.filter(campaign=campaign, action="units").exists()


def test_a_unit_with_a_drawn_sample_or_the_last_unit_stays(cast, questionnaire, client):
    campaign = draft_campaign(cast, questionnaire, agencies=[cast.agency_a, cast.agency_b])
    frame = [sampling.FrameEntry(key=f"HS-{i}", stratum="HT:1", person={}) for i in range(3)]
    services.draw_sample(
        campaign, agency=cast.agency_b, actor=cast.province_admin, seed="x", frame=frame
    )
    client.force_login(cast.province_admin)
    body = client.post(
        f"/surveys/c/{campaign.code}/units/", {"remove": [cast.agency_b.pk]}
    ).content.decode()
    assert "đã rút mẫu" in body and cast.agency_b.name in body
    assert units(campaign) == {cast.agency_a.code, cast.agency_b.code}
    with pytest.raises(ValidationFailed, match="ít nhất một đơn vị"):
        campaign_settings.change_units(
            draft_campaign(cast, questionnaire, code="KS-MOT"),
            remove=[cast.agency_a],
            actor=cast.province_admin,
        )


def test_only_home_affairs_change_units_and_only_while_a_draft(cast, questionnaire, client):
    campaign = draft_campaign(cast, questionnaire)
    with pytest.raises(NotPermitted):
        campaign_settings.change_units(campaign, add=[cast.agency_b], actor=cast.leader_a)
    client.force_login(cast.inspector)
    assert page(client, campaign).status_code == 403
    services.open_campaign(campaign, actor=cast.province_admin)
    with pytest.raises(TransitionNotAllowed, match="Đang thu phiếu"):
        campaign_settings.change_units(campaign, add=[cast.agency_b], actor=cast.province_admin)
    client.force_login(cast.province_admin)
    body = page(client, campaign).content.decode()
    assert 'id="units-fixed"' in body and 'id="units-form"' not in body
    assert (
        client.post(f"/surveys/c/{campaign.code}/units/", {"add": [cast.agency_b.pk]}).status_code
        == 200
    )
    assert units(campaign) == {cast.agency_a.code}


def test_the_campaign_page_offers_entry_only_while_collecting(cast, campaign, client):
    """A clerk was offered "enter an interview" on a closed campaign, only to be refused."""
    client.force_login(cast.clerk_a)
    enter = f'href="/surveys/c/{campaign.code}/enter/'
    assert enter in client.get(f"/surveys/c/{campaign.code}/").content.decode()
    services.close_campaign(campaign, actor=cast.province_admin)
    assert enter not in client.get(f"/surveys/c/{campaign.code}/").content.decode()


def test_campaigns_are_searched_and_paged(cast, questionnaire, client):
    from cchc.surveys.views.campaigns import CAMPAIGNS_PAGE

    for i in range(CAMPAIGNS_PAGE + 1):
        draft_campaign(cast, questionnaire, code=f"KS-{i:02d}", name=f"Đợt thử {i:02d}")
    draft_campaign(cast, questionnaire, code="SIPAS-XD", name="Khảo sát Sở Xây dựng")
    client.force_login(cast.province_admin)
    body = client.get("/surveys/").content.decode()
    assert body.count('/results/"') == CAMPAIGNS_PAGE and "?page=2" in body
    body = client.get("/surveys/", {"q": "xây dựng"}).content.decode()
    assert body.count('/results/"') == 1 and "SIPAS-XD" in body
    body = client.get("/surveys/", {"q": "không có"}).content.decode()
    assert "Không có đợt khảo sát nào khớp" in body
