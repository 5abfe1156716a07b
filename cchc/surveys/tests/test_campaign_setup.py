"""Setting a campaign up as Home Affairs run it each year (the SIPAS walk): where the open
link and the kiosk of each unit are found, a link that cannot be answered said before the
form, samples and quotas final once collection closes, dates in Vietnamese notation."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse

from cchc.core.errors import TransitionNotAllowed
from cchc.surveys import campaign_settings, services
from cchc.surveys.jobs import open_url
from cchc.surveys.models import Campaign, Quota, Sample
from cchc.surveys.tests.conftest import draft_campaign, new_campaign_form, publish_two_units
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

    # a closed campaign's links take no answer: the page no longer hands them out
    services.close_campaign(campaign, actor=cast.province_admin)
    page = admin.get(reverse("surveys:campaign", args=[campaign.code])).content.decode()
    assert campaign.open_token not in page


def test_no_kiosk_link_for_a_campaign_without_kiosk(cast, questionnaire):
    campaign = draft_campaign(
        cast,
        questionnaire,
        code="KS-BUU-DIEN",
        name="Khảo sát qua bưu điện và trực tuyến",
        modes=["paper_post", "online"],
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
    quotas = reverse("surveys:quotas", args=[campaign.code])
    admin.post(quotas, {f"q_{cast.agency_a.code}": "40"})
    services.close_campaign(campaign, actor=cast.province_admin)

    page = admin.get(url).content.decode()
    assert 'value="draw"' not in page and quotas not in page
    said = admin.post(quotas, {f"q_{cast.agency_a.code}": "5"}, follow=True).content.decode()
    assert "Mở lại đợt thu phiếu trước" in said
    drawn = admin.post(url, {"action": "draw", "unit": cast.agency_b.code}, follow=True)
    assert "Mở lại đợt thu phiếu trước" in drawn.content.decode()
    assert Quota.objects.get(campaign=campaign, agency=cast.agency_a, stratum="*").target == 40
    assert not Sample.objects.filter(campaign=campaign, agency=cast.agency_b).exists()

    services.publish_results(campaign, actor=cast.province_admin)
    with pytest.raises(TransitionNotAllowed, match="đã công bố"):
        campaign_settings.set_quota(
            campaign, agency=cast.agency_a, target=1, actor=cast.province_admin
        )
    with pytest.raises(TransitionNotAllowed):
        services.draw_sample(campaign, agency=cast.agency_b, actor=cast.province_admin)


def test_the_campaign_page_writes_its_dates_day_first(cast, campaign):
    page = client_for(cast.province_admin).get(reverse("surveys:campaign", args=[campaign.code]))
    assert "(01/01/2026 – 31/12/2026)" in page.content.decode()


def test_the_target_is_set_with_the_campaign_and_carried_over_to_the_next(cast, questionnaire):
    admin = client_for(cast.province_admin)
    data = new_campaign_form(cast, questionnaire, code="SIPAS-2026-MT", agencies=[cast.agency_a.pk])
    url = reverse("surveys:campaign_new")
    refused = admin.post(url, {**data, "target_index": "120"}).content.decode()
    assert "Giá trị phải nhỏ hơn hoặc bằng 100." in refused
    assert 'value="Khảo sát SIPAS 2026"' in refused  # nothing typed is lost
    assert not Campaign.objects.filter(code="SIPAS-2026-MT").exists()

    # the decimal comma, as Vietnamese write it
    assert admin.post(url, {**data, "target_index": "86,5"}).status_code == 302
    campaign = Campaign.objects.get(code="SIPAS-2026-MT")
    assert campaign.target_index == Decimal("86.5")
    page = admin.get(reverse("surveys:campaign", args=[campaign.code])).content.decode()
    assert "Mục tiêu: SIPAS ≥ 86,50 %" in page
    # next year's form starts from this year's target
    assert 'value="86,50"' in admin.get(url).content.decode()


def test_results_mark_the_units_below_target_and_compare_with_last_year(
    cast, questionnaire, method, campaign
):
    from cchc.surveys.tests.conftest import enter_phone_responses, open_campaign

    last_year = open_campaign(
        questionnaire,
        [cast.agency_a, cast.agency_b],
        actor=cast.province_admin,
        code="KS-2025",
        name="Khảo sát SIPAS 2025",
        year=2025,
    )
    enter_phone_responses(last_year, method, [5, 2], agency=cast.agency_a, actor=cast.clerk_a)
    services.close_campaign(last_year, actor=cast.province_admin)
    services.publish_results(last_year, actor=cast.province_admin)

    # three questionnaires a unit are judged only with a minimum of three (the method's
    # default, 30, reads "too few answers to judge": test_target_sample.py)
    publish_two_units(cast, campaign, method, minimum=3)

    page = client_for(cast.citizen).get(reverse("surveys:results", args=[campaign.code]))
    body = page.content.decode()
    assert "SIPAS từ 86,00 % trở lên — 1 trên 2 đơn vị có kết quả đã đạt" in body
    rows = {
        row.split("</tr>")[0].count("chưa đạt"): row
        for row in body.split('<table id="ranking">')[1].split("</table>")[0].split("<tr>")[2:]
    }
    below, above = rows[1], rows[0]
    assert cast.agency_b.name in below and cast.agency_a.name in above
    assert "#dc2626" in below and "#dc2626" not in above  # the red bar
    assert 'class="survey-target-line" x1="86.00"' in above
    # last year's figure of the unit and its change, in points
    assert "Khảo sát SIPAS 2025 (2025)" in body
    assert "<td>50,00</td><td>+50,00</td>" in above
    assert "<td></td><td></td>" in below  # no figure last year: nothing to compare

    # the Excel workbook too, in a last column
    import io

    from openpyxl import load_workbook

    xlsx = client_for(cast.citizen).get(reverse("surveys:results_xlsx", args=[campaign.code]))
    sheet = load_workbook(io.BytesIO(xlsx.content)).worksheets[0]
    lines = list(sheet.iter_rows(values_only=True))
    assert lines[0][-1] == "Mục tiêu (SIPAS ≥ 86,00 %)"
    verdicts = {row[2]: row[-1] for row in lines[1:]}
    assert verdicts == {cast.agency_a.code: "đạt", cast.agency_b.code: "chưa đạt"}

    # the unit's own page says it too, and leads back to the ranking
    unit = client_for(cast.citizen).get(
        reverse("surveys:unit_results", args=[campaign.code, cast.agency_b.code])
    )
    body = unit.content.decode()
    assert "SIPAS ≥ 86,00 % — <strong>chưa đạt</strong>" in body
    assert f'href="{reverse("surveys:results", args=[campaign.code])}"' in body


def test_an_enumerator_keys_the_next_form_of_the_same_unit_and_mode_without_choosing_again(
    cast, method, campaign
):
    from cchc.surveys.tests.conftest import all_items

    clerk = client_for(cast.clerk_a)
    url = reverse("surveys:enter", args=[campaign.code])
    answers = {f"a_{code}": str(value) for code, value in all_items(method, 4).items()}
    done = clerk.post(url, {"unit": cast.agency_b.code, "mode": "interview", **answers})
    assert done.status_code == 302
    page = clerk.get(done["Location"]).content.decode()
    assert "Đã ghi nhận phiếu." in page
    assert f'<option value="{cast.agency_b.code}" selected>' in page
    assert '<option value="interview" selected>' in page

    # only the modes the campaign collects in are offered
    Campaign.objects.filter(pk=campaign.pk).update(modes=["paper_post", "online", "phone"])
    page = clerk.get(url).content.decode()
    assert 'value="phone"' in page and 'value="interview"' not in page
    assert 'value="kiosk"' not in page


def test_the_progress_page_sums_up_the_fieldwork_with_bars(cast, method, campaign):
    from cchc.surveys.tests.conftest import enter_phone_responses

    admin = cast.province_admin
    campaign_settings.set_quota(campaign, agency=cast.agency_a, target=4, actor=admin)
    campaign_settings.set_quota(campaign, agency=cast.agency_b, target=2, actor=admin)
    enter_phone_responses(campaign, method, [5, 4], agency=cast.agency_a, actor=cast.clerk_a)
    enter_phone_responses(campaign, method, [5, 3], agency=cast.agency_b, actor=cast.clerk_b)

    page = client_for(cast.clerk_a).get(reverse("surveys:progress", args=[campaign.code]))
    body = page.content.decode()
    assert "4 phiếu đã thu" in body
    assert "Chỉ tiêu: 4 / 6 phiếu (67 %); 1/2 đơn vị đã đủ chỉ tiêu" in body
    assert '<progress value="4" max="6"' in body  # the whole campaign
    assert '<progress value="2" max="4"' in body  # one unit's row


def test_campaign_results_and_unit_pages_lead_back_where_each_reader_came_from(cast, campaign):
    services.close_campaign(campaign, actor=cast.province_admin)
    services.publish_results(campaign, actor=cast.province_admin)
    results = reverse("surveys:results", args=[campaign.code])
    unit = reverse("surveys:unit_results", args=[campaign.code, cast.agency_a.code])
    admin = client_for(cast.province_admin)
    page = admin.get(reverse("surveys:campaign", args=[campaign.code])).content.decode()
    assert f'<li><a href="{reverse("surveys:index")}">Khảo sát</a></li>' in page
    for url in (results, unit):
        # staff: back to the campaign they run; citizens: to the published surveys
        staff = admin.get(url).content.decode()
        assert f'href="{reverse("surveys:campaign", args=[campaign.code])}"' in staff
        public = client_for(cast.citizen).get(url).content.decode()
        assert f'href="{reverse("surveys:public")}"' in public
        assert f'href="{reverse("surveys:campaign", args=[campaign.code])}"' not in public
    assert f'href="{results}"' in admin.get(unit).content.decode()
