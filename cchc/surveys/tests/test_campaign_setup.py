"""Setting a campaign up as Home Affairs run it each year (the SIPAS walk): where the open
link and the kiosk of each unit are found, a link that cannot be answered said before the
form, samples and quotas final once collection closes, dates in Vietnamese notation."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.urls import reverse

from cchc.core.errors import TransitionNotAllowed
from cchc.surveys import services
from cchc.surveys.jobs import open_url
from cchc.surveys.models import Campaign, Quota, Sample
from cchc.testing import client_for

pytestmark = pytest.mark.django_db


def test_home_affairs_find_each_units_open_link_kiosk_link_and_poster(cast, campaign):
    admin = client_for(cast.province_admin)
    page = admin.get(reverse("surveys:campaign", args=[campaign.code])).content.decode()
    online = open_url(campaign, cast.agency_a)
    kiosk = open_url(campaign, cast.agency_a, kiosk=True)
    assert campaign.open_token in online and kiosk == online + "?kiosk=1"
    assert f'value="{online}"' in page and f'value="{kiosk}"' in page
    assert "Đường dẫn mở và ki-ốt của từng đơn vị" in page
    poster = reverse("surveys:poster", args=[campaign.code, cast.agency_a.code])
    assert poster in page and f"{poster}?kiosk=1" in page
    pdf = admin.get(poster)
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert admin.get(poster + "?kiosk=1").status_code == 200
    # the link it prints opens the questionnaire of that unit
    form = client_for(cast.citizen).get(online.removeprefix(settings.SITE_URL.rstrip("/")))
    assert form.status_code == 200 and 'name="nonce"' in form.content.decode()
    # a unit the campaign does not survey has no poster
    outsider = reverse("surveys:poster", args=[campaign.code, cast.agency_c.code])
    assert admin.get(outsider).status_code == 404

    # one token opens every unit's form: unit staff and inspectors see neither link nor poster
    for user in (cast.clerk_a, cast.leader_a, cast.inspector, cast.citizen):
        client = client_for(user)
        seen = client.get(reverse("surveys:campaign", args=[campaign.code])).content.decode()
        assert campaign.open_token not in seen
        assert client.get(poster).status_code == 403


def test_no_kiosk_link_for_a_campaign_without_kiosk(cast, questionnaire):
    campaign = services.create_campaign(
        code="KS-BUU-DIEN",
        name="Khảo sát qua bưu điện và trực tuyến",
        questionnaire=questionnaire,
        province_code="01",
        period="2026",
        date_from=dt.date(2026, 1, 1),
        date_to=dt.date(2026, 3, 31),
        agencies=[cast.agency_a],
        modes=["paper_post", "online"],
        actor=cast.province_admin,
    )
    admin = client_for(cast.province_admin)
    page = admin.get(reverse("surveys:campaign", args=[campaign.code])).content.decode()
    assert open_url(campaign, cast.agency_a) in page
    assert "?kiosk=1" not in page
    poster = reverse("surveys:poster", args=[campaign.code, cast.agency_a.code])
    assert admin.get(poster + "?kiosk=1").status_code == 404


def test_an_open_link_that_cannot_be_answered_says_so_before_the_form(cast, campaign):
    """A unit code mistyped in the link (or a unit not surveyed): the respondent is told
    before filling in the whole questionnaire, not after it is refused on submitting."""
    citizen = client_for(cast.citizen)
    wrong_unit = citizen.get(
        reverse(
            "surveys:respond_open", args=[campaign.code, campaign.open_token, cast.agency_c.code]
        )
    ).content.decode()
    assert "Đơn vị này không thuộc đợt khảo sát." in wrong_unit
    assert 'name="nonce"' not in wrong_unit  # no questionnaire to fill in

    # a campaign that does not collect at a kiosk
    Campaign.objects.filter(pk=campaign.pk).update(modes=["online", "phone"])
    kiosk = citizen.get(
        reverse(
            "surveys:respond_open", args=[campaign.code, campaign.open_token, cast.agency_a.code]
        )
        + "?kiosk=1"
    ).content.decode()
    assert "Đợt khảo sát không thu phiếu theo hình thức này." in kiosk
    assert 'name="nonce"' not in kiosk


def test_samples_and_quotas_are_final_once_collection_closes(cast, campaign):
    admin = client_for(cast.province_admin)
    url = reverse("surveys:campaign", args=[campaign.code])
    admin.post(url, {"action": "quota", "unit": cast.agency_a.code, "target": "40"})
    services.close_campaign(campaign, actor=cast.province_admin)

    page = admin.get(url).content.decode()
    assert 'value="draw"' not in page and 'value="quota"' not in page
    said = admin.post(
        url, {"action": "quota", "unit": cast.agency_a.code, "target": "5"}, follow=True
    ).content.decode()
    assert "Mở lại đợt thu phiếu trước" in said
    drawn = admin.post(url, {"action": "draw", "unit": cast.agency_b.code}, follow=True)
    assert "Mở lại đợt thu phiếu trước" in drawn.content.decode()
    assert Quota.objects.get(campaign=campaign, agency=cast.agency_a, stratum="*").target == 40
    assert not Sample.objects.filter(campaign=campaign, agency=cast.agency_b).exists()

    services.publish_results(campaign, actor=cast.province_admin)
    with pytest.raises(TransitionNotAllowed, match="đã công bố"):
        services.set_quota(campaign, agency=cast.agency_a, target=1, actor=cast.province_admin)
    with pytest.raises(TransitionNotAllowed):
        services.draw_sample(campaign, agency=cast.agency_b, actor=cast.province_admin)


def test_the_campaign_page_writes_its_dates_day_first(cast, campaign):
    page = client_for(cast.province_admin).get(reverse("surveys:campaign", args=[campaign.code]))
    assert "(01/01/2026 – 31/12/2026)" in page.content.decode()
