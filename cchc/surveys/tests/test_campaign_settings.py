"""A campaign after its creation (surveys walk, Home Affairs): its settings corrected through
a service, anything while it is prepared, only what is safe once collecting, nothing once
closed; every unit's quota on one page, all lines or none; the inspector reads a collecting
campaign's page, progress and live results, with no action on them."""

import datetime as dt
from decimal import Decimal

import pytest

from cchc.core.errors import NotPermitted, TransitionNotAllowed, ValidationFailed
from cchc.surveys import campaign_settings, questionnaires, services
from cchc.surveys.models import Campaign, Mode, Quota, SurveyEvent
from cchc.surveys.tests.conftest import draft_campaign, enter_phone_responses
from cchc.surveys.tests.test_collection import drawn
from cchc.testing import AgencyFactory, client_for


@pytest.fixture
def draft(cast, questionnaire):
    return draft_campaign(
        cast,
        questionnaire,
        name="Khảo sát SIPAS 2026 (nháp)",
        date_to=dt.date(2026, 6, 30),
        agencies=[cast.agency_a, cast.agency_b],
        target_index=Decimal("86"),
    )


def published_version(cast, questionnaire):
    version = questionnaires.new_version(
        questionnaire, actor=cast.province_admin, province_code="01"
    )
    return questionnaires.publish_questionnaire(
        version, actor=cast.province_admin, province_code="01"
    )


# -- the service --------------------------------------------------------------------------
def test_a_draft_campaign_is_corrected_in_every_setting_with_one_event(cast, draft, questionnaire):
    version = published_version(cast, questionnaire)
    changed = campaign_settings.edit_campaign(
        draft,
        actor=cast.province_admin,
        name="Khảo sát SIPAS năm 2026",
        questionnaire=version,
        date_from=dt.date(2026, 2, 1),
        date_to=dt.date(2026, 9, 30),
        modes=[Mode.PAPER_POST, Mode.ONLINE],
        target_index=Decimal("87.5"),
    )
    assert sorted(changed) == [
        "date_from",
        "date_to",
        "modes",
        "name",
        "questionnaire",
        "target_index",
    ]
    draft.refresh_from_db()
    assert (draft.name, draft.questionnaire, draft.method) == (
        "Khảo sát SIPAS năm 2026",
        version,
        version.method,
    )
    assert (draft.date_from, draft.date_to, draft.target_index) == (
        dt.date(2026, 2, 1),
        dt.date(2026, 9, 30),
        Decimal("87.5"),
    )
    event = SurveyEvent.objects.get(campaign=draft, action="edit")
    assert event.actor == cast.province_admin
    assert event.data["changes"]["name"] == [
        "Khảo sát SIPAS 2026 (nháp)",
        "Khảo sát SIPAS năm 2026",
    ]
    assert event.data["changes"]["date_to"] == ["2026-06-30", "2026-09-30"]
    assert event.data["changes"]["target_index"] == ["86", "87.5"]
    assert "Tên: Khảo sát SIPAS 2026 (nháp) → Khảo sát SIPAS năm 2026" in event.details()
    assert "30/06/2026 → 30/09/2026" in event.details()


def test_nothing_changed_writes_nothing(cast, draft):
    assert campaign_settings.edit_campaign(draft, actor=cast.province_admin, name=draft.name) == []
    assert not SurveyEvent.objects.filter(campaign=draft, action="edit").exists()


def test_only_home_affairs_edits_a_campaign(cast, draft):
    for outsider in (cast.clerk_a, cast.inspector, cast.leader_a):
        with pytest.raises(NotPermitted):
            campaign_settings.edit_campaign(draft, actor=outsider, name="Khác")
    assert Campaign.objects.get(pk=draft.pk).name == "Khảo sát SIPAS 2026 (nháp)"


def test_a_draft_is_checked_as_a_new_campaign_is(cast, draft):
    with pytest.raises(ValidationFailed, match="Ngày kết thúc trước ngày bắt đầu"):
        campaign_settings.edit_campaign(
            draft, actor=cast.province_admin, date_from=dt.date(2026, 8, 1)
        )
    with pytest.raises(ValidationFailed, match="2026") as refused:
        campaign_settings.edit_campaign(
            draft, actor=cast.province_admin, date_to=dt.date(2027, 1, 31)
        )
    assert refused.value.field == "date_from"
    with pytest.raises(ValidationFailed, match="0 đến 100") as refused:
        campaign_settings.edit_campaign(
            draft, actor=cast.province_admin, target_index=Decimal("120")
        )
    assert refused.value.field == "target_index"
    with pytest.raises(ValidationFailed) as refused:
        campaign_settings.edit_campaign(draft, actor=cast.province_admin, name="  ")
    assert refused.value.field == "name"


def test_a_drawn_sample_keeps_the_window_it_was_drawn_from(cast, draft):
    drawn(cast, draft)
    with pytest.raises(ValidationFailed, match="đã được chọn mẫu|Đã chọn mẫu|mẫu"):
        campaign_settings.edit_campaign(
            draft, actor=cast.province_admin, date_from=dt.date(2026, 3, 1)
        )
    campaign_settings.edit_campaign(draft, actor=cast.province_admin, date_to=dt.date(2026, 7, 31))
    assert Campaign.objects.get(pk=draft.pk).date_to == dt.date(2026, 7, 31)


def test_while_collecting_only_the_name_a_later_end_and_the_target_change(cast, draft):
    services.open_campaign(draft, actor=cast.province_admin)
    campaign_settings.edit_campaign(
        draft,
        actor=cast.province_admin,
        name="SIPAS 2026",
        date_to=dt.date(2026, 8, 31),
        target_index=Decimal("88"),
    )
    draft.refresh_from_db()
    assert (draft.name, draft.date_to, draft.target_index) == (
        "SIPAS 2026",
        dt.date(2026, 8, 31),
        Decimal("88"),
    )
    with pytest.raises(ValidationFailed, match="Đã mở thu phiếu") as refused:
        campaign_settings.edit_campaign(draft, actor=cast.province_admin, modes=[Mode.ONLINE])
    assert refused.value.field == "modes"
    assert "Hình thức thu thập" in refused.value.message
    with pytest.raises(ValidationFailed) as refused:
        campaign_settings.edit_campaign(
            draft, actor=cast.province_admin, date_from=dt.date(2026, 2, 1)
        )
    assert refused.value.field == "date_from"
    with pytest.raises(ValidationFailed, match="31/08/2026") as refused:
        campaign_settings.edit_campaign(
            draft, actor=cast.province_admin, date_to=dt.date(2026, 7, 1)
        )
    assert refused.value.field == "date_to"
    draft.refresh_from_db()
    assert (draft.modes, draft.date_from, draft.date_to) == (
        [m.value for m in Mode],
        dt.date(2026, 1, 1),
        dt.date(2026, 8, 31),
    )


def test_a_closed_or_published_campaign_changes_no_more(cast, campaign):
    services.close_campaign(campaign, actor=cast.province_admin)
    with pytest.raises(TransitionNotAllowed, match="Đã kết thúc"):
        campaign_settings.edit_campaign(campaign, actor=cast.province_admin, name="Khác")
    services.publish_results(campaign, actor=cast.province_admin)
    with pytest.raises(TransitionNotAllowed, match="công bố"):
        campaign_settings.edit_campaign(
            campaign, actor=cast.province_admin, target_index=Decimal("90")
        )
    assert Campaign.objects.get(pk=campaign.pk).name == "Khảo sát SIPAS 2026"


# -- the settings page --------------------------------------------------------------------
def edit_post(campaign, **overrides):
    data = {
        "stage": campaign.status,
        "name": campaign.name,
        "questionnaire": campaign.questionnaire_id,
        "period": campaign.period,
        "date_from": campaign.date_from.isoformat(),
        "date_to": campaign.date_to.isoformat(),
        "modes": campaign.modes,
        "target_index": "86",
    }
    if campaign.anonymous:
        data["anonymous"] = "on"
    data.update(overrides)
    return data


def test_home_affairs_corrects_a_campaign_and_its_page_shows_the_history(cast, draft):
    client = client_for(cast.province_admin)
    url = f"/surveys/c/{draft.code}/edit/"
    page = client.get(url).content.decode()
    assert 'value="Khảo sát SIPAS 2026 (nháp)"' in page
    assert 'value="2026-06-30"' in page
    answer = client.post(url, edit_post(draft, name="Khảo sát SIPAS năm 2026"))
    assert answer.status_code == 302
    assert Campaign.objects.get(pk=draft.pk).name == "Khảo sát SIPAS năm 2026"
    campaign_page = client.get(f"/surveys/c/{draft.code}/").content.decode()
    assert 'id="campaign-log"' in campaign_page
    assert "Thay đổi thiết lập đợt khảo sát" in campaign_page
    assert "Khảo sát SIPAS 2026 (nháp) → Khảo sát SIPAS năm 2026" in campaign_page
    assert f'href="/surveys/c/{draft.code}/edit/"' in campaign_page


def test_a_refused_change_says_why_and_keeps_what_was_typed(cast, campaign):
    """Collecting: an earlier end date is refused on its field, the new name typed with it
    stays in the form, nothing is saved."""
    client = client_for(cast.province_admin)
    url = f"/surveys/c/{campaign.code}/edit/"
    page = client.get(url).content.decode()
    assert 'name="modes"' not in page and 'name="date_from"' not in page
    answer = client.post(
        url, {"stage": "OPEN", "name": "Tên mới", "date_to": "2026-06-30", "target_index": ""}
    )
    page = answer.content.decode()
    assert answer.status_code == 200
    assert "chỉ được lùi về sau" in page
    assert 'value="Tên mới"' in page and 'value="2026-06-30"' in page
    assert Campaign.objects.get(pk=campaign.pk).name == "Khảo sát SIPAS 2026"


def test_a_form_of_the_draft_posted_after_opening_is_refused_not_dropped(cast, draft):
    """Shown while a draft, posted after collection opened: the mode change typed is refused
    with the reason, not silently dropped while the name is saved."""
    client = client_for(cast.province_admin)
    services.open_campaign(draft, actor=cast.province_admin)
    answer = client.post(
        f"/surveys/c/{draft.code}/edit/",
        edit_post(draft, stage="DRAFT", name="Tên mới", modes=[Mode.ONLINE]),
    )
    assert answer.status_code == 200
    assert "Đã mở thu phiếu" in answer.content.decode()
    draft.refresh_from_db()
    assert draft.name == "Khảo sát SIPAS 2026 (nháp)" and len(draft.modes) == len(Mode)


def test_a_closed_campaign_settings_page_says_why_and_offers_no_form(cast, campaign):
    services.close_campaign(campaign, actor=cast.province_admin)
    client = client_for(cast.province_admin)
    page = client.get(f"/surveys/c/{campaign.code}/edit/").content.decode()
    assert 'id="edit-refused"' in page and '<form method="post" class="campaign-form"' not in page
    answer = client.post(f"/surveys/c/{campaign.code}/edit/", {"stage": "OPEN", "name": "Khác"})
    assert "Đã kết thúc" in answer.content.decode()
    assert Campaign.objects.get(pk=campaign.pk).name == "Khảo sát SIPAS 2026"


def test_only_home_affairs_open_the_settings_and_quota_pages(cast, campaign):
    for user in (cast.inspector, cast.clerk_a):
        client = client_for(user)
        assert client.get(f"/surveys/c/{campaign.code}/edit/").status_code == 403
        assert client.get(f"/surveys/c/{campaign.code}/quotas/").status_code == 403


# -- quotas of every unit at once ---------------------------------------------------------
def test_every_units_quota_set_on_one_page(cast, campaign):
    campaign_settings.set_quota(
        campaign, agency=cast.agency_a, target=30, actor=cast.province_admin
    )
    client = client_for(cast.province_admin)
    url = f"/surveys/c/{campaign.code}/quotas/"
    page = client.get(url).content.decode()
    assert f'name="q_{cast.agency_a.code}" value="30"' in page
    assert f'name="q_{cast.agency_b.code}" value=""' in page
    answer = client.post(url, {f"q_{cast.agency_a.code}": "30", f"q_{cast.agency_b.code}": "1.200"})
    assert answer.status_code == 302
    targets = dict(
        Quota.objects.filter(campaign=campaign, stratum="*").values_list("agency__code", "target")
    )
    assert targets == {cast.agency_a.code: 30, cast.agency_b.code: 1200}
    # the unchanged line wrote nothing: one quota event for A (before), one for B
    assert SurveyEvent.objects.filter(campaign=campaign, action="quota").count() == 2


def quota_input(page, agency):
    """The quota table's input of `agency`, as the page has it."""
    import re

    found = re.search(rf'<input[^>]*name="q_{re.escape(agency.code)}"[^>]*>', page)
    assert found is not None, agency.code
    return found.group(0)


def test_one_wrong_line_saves_nothing_and_is_marked(cast, campaign):
    campaign_settings.set_quota(
        campaign, agency=cast.agency_a, target=30, actor=cast.province_admin
    )
    client = client_for(cast.province_admin)
    answer = client.post(
        f"/surveys/c/{campaign.code}/quotas/",
        {f"q_{cast.agency_a.code}": "45", f"q_{cast.agency_b.code}": "mười"},
    )
    page = answer.content.decode()
    assert answer.status_code == 200
    assert 'id="quotas-wrong"' in page
    assert "số nguyên" in page
    wrong, right = quota_input(page, cast.agency_b), quota_input(page, cast.agency_a)
    assert 'value="mười"' in wrong and 'aria-invalid="true"' in wrong
    assert 'value="45"' in right and "aria-invalid" not in right  # what was typed stays
    assert Quota.objects.get(campaign=campaign, agency=cast.agency_a, stratum="*").target == 30
    assert not Quota.objects.filter(campaign=campaign, agency=cast.agency_b).exists()


def test_set_quotas_is_all_or_nothing(cast, campaign):
    stranger = AgencyFactory(code="H26.999", name="Đơn vị ngoài đợt")
    with pytest.raises(campaign_settings.QuotasInvalid) as refused:
        campaign_settings.set_quotas(
            campaign,
            targets={cast.agency_a: 40, cast.agency_b: 200_000, stranger: 5},
            actor=cast.province_admin,
        )
    assert set(refused.value.lines) == {cast.agency_b.code, stranger.code}
    assert refused.value.message == "2 dòng của bảng chưa đúng: chưa lưu gì."
    assert not Quota.objects.filter(campaign=campaign).exists()
    with pytest.raises(NotPermitted):
        campaign_settings.set_quotas(campaign, targets={cast.agency_a: 40}, actor=cast.clerk_a)
    changed = campaign_settings.set_quotas(
        campaign, targets={cast.agency_a: 40, cast.agency_b: 50}, actor=cast.province_admin
    )
    assert sorted(q.target for q in changed) == [40, 50]


# -- the inspector ------------------------------------------------------------------------
def test_the_inspector_follows_a_collecting_campaign_read_only(cast, campaign, method):
    enter_phone_responses(campaign, method, [4, 5, 3], agency=cast.agency_a, actor=cast.clerk_a)
    campaign_settings.set_quota(
        campaign, agency=cast.agency_a, target=10, actor=cast.province_admin
    )
    client = client_for(cast.inspector)
    index = client.get("/surveys/").content.decode()
    assert f'href="/surveys/c/{campaign.code}/"' in index
    page = client.get(f"/surveys/c/{campaign.code}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="fieldwork"' in html and 'id="campaign-log"' in html
    assert 'name="action"' not in html  # no open, close, quota, draw, invite
    assert "/enter/" not in html and "/edit/" not in html and "/quotas/" not in html
    assert 'id="read-only-note"' in html
    # an interviewer enters questionnaires from the same page: it is not read-only to them
    clerk_page = client_for(cast.clerk_a).get(f"/surveys/c/{campaign.code}/").content.decode()
    assert 'id="read-only-note"' not in clerk_page and "/enter/" in clerk_page
    assert client.get(f"/surveys/c/{campaign.code}/progress/").status_code == 200
    results = client.get(f"/surveys/c/{campaign.code}/results/")
    assert results.status_code == 200
    assert cast.agency_a.name in results.content.decode()
    assert (
        client.get(f"/surveys/c/{campaign.code}/results/{cast.agency_a.code}/").status_code == 200
    )
    assert client.get(f"/surveys/c/{campaign.code}/results.xlsx").status_code == 200
    # reading is all: the page's actions stay Home Affairs'
    assert client.post(f"/surveys/c/{campaign.code}/", {"action": "close"}).status_code == 403
    assert Campaign.objects.get(pk=campaign.pk).is_open


def test_an_inspector_of_another_province_follows_nothing(cast, campaign):
    from cchc.testing import UserFactory

    elsewhere = UserFactory(username="thanhtra_hcm", kind="INSPECTOR", province_code="79")
    client = client_for(elsewhere)  # type: ignore[arg-type]  # the factory gives a User
    assert client.get(f"/surveys/c/{campaign.code}/").status_code == 403
    assert client.get(f"/surveys/c/{campaign.code}/results/").status_code == 404


def test_results_without_a_valid_questionnaire_say_so_instead_of_a_bare_percent(cast, campaign):
    """A campaign just opened: the province line printed " % (n valid 0…)" with no figure."""
    page = client_for(cast.province_admin).get(f"/surveys/c/{campaign.code}/results/")
    line = page.content.decode().split('id="province-total"')[1].split("</p>")[0]
    assert "chưa có phiếu hợp lệ" in line and "</strong> %" not in line


# -- the interviewer ----------------------------------------------------------------------
def test_an_interview_begins_on_the_interviewers_unit_and_by_phone(cast, campaign):
    """ "Enter an interview" opened on "paper at the desk" and no unit: every interview of a
    ward's enumerator began by changing both."""
    import re

    def selected(page, name):
        select = re.search(rf'<select name="{name}".*?</select>', page, re.S)
        assert select is not None, name
        return re.findall(r'<option value="([^"]*)" selected', select.group(0))

    page = client_for(cast.clerk_a).get(f"/surveys/c/{campaign.code}/enter/").content.decode()
    assert selected(page, "unit") == [cast.agency_a.code]
    assert selected(page, "mode") == [Mode.PHONE]
    paper = client_for(cast.clerk_a).get(f"/surveys/c/{campaign.code}/enter/?paper=1")
    assert selected(paper.content.decode(), "mode") == [Mode.PAPER_POST]
    # Home Affairs work at no unit: they choose it
    home_affairs = client_for(cast.province_admin).get(f"/surveys/c/{campaign.code}/enter/")
    assert selected(home_affairs.content.decode(), "unit") == []


@pytest.mark.browser
def test_settings_quota_and_campaign_pages_in_a_browser_and_on_a_phone(browser_page, cast, draft):
    """axe finds nothing serious on the settings and quota pages; on a 390-px phone the
    quota inputs are on the screen without scrolling sideways (the input column comes right
    after the unit's name), and the campaign's progress table still reaches its last column
    (a sample's drawing) by scrolling inside itself."""
    from cchc.testing import assert_accessible, sign_in

    page = browser_page
    sign_in(page, cast.province_admin)
    for path in (f"/surveys/c/{draft.code}/edit/", f"/surveys/c/{draft.code}/quotas/"):
        page.goto(page.base_url + path)
        assert_accessible(page)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(page.base_url + f"/surveys/c/{draft.code}/quotas/")
    box = page.locator(f"[id='q_{cast.agency_a.code}']").bounding_box()
    assert box["x"] + box["width"] <= 390
    page.goto(page.base_url + f"/surveys/c/{draft.code}/")
    page.locator("#progress").evaluate("e => e.scrollLeft = e.scrollWidth")  # scrolls in itself
    draw = page.locator("#progress button[value=draw]").first
    box = draw.bounding_box()
    assert 0 <= box["x"] and box["x"] + box["width"] <= 391
    draw.click()
    page.wait_for_selector(".messages")
    assert draft.samples.count() == 1


def test_the_history_pages_back_to_a_settings_change_under_many_quotas(cast, draft):
    """A correction of the settings followed by one quota per unit of a large province was
    pushed out of the page's last entries: the history is paged, the latest first."""
    campaign_settings.edit_campaign(
        draft, actor=cast.province_admin, name="Khảo sát SIPAS năm 2026"
    )
    for target in range(1, 61):
        campaign_settings.set_quota(
            draft, agency=cast.agency_a, target=target, actor=cast.province_admin
        )
    client = client_for(cast.province_admin)
    first = client.get(f"/surveys/c/{draft.code}/").content.decode()
    assert "Khảo sát SIPAS năm 2026" not in first.split('id="campaign-log"')[1]
    assert "page=2#campaign-history" in first
    last = client.get(f"/surveys/c/{draft.code}/?page=2").content.decode()
    log = last.split('id="campaign-log"')[1]
    assert "Khảo sát SIPAS 2026 (nháp) → Khảo sát SIPAS năm 2026" in log
    assert "Tạo đợt khảo sát" in log
    assert '<details id="campaign-history" open>' in last


def test_the_inspector_reads_the_evaluations_and_goes_from_a_units_answers_to_the_campaign(
    cast, campaign
):
    client = client_for(cast.inspector)
    assert 'href="/surveys/evaluations/"' in client.get("/surveys/").content.decode()
    assert client.get("/surveys/evaluations/").status_code == 200
    answers = client.get(f"/surveys/c/{campaign.code}/responses/?unit={cast.agency_a.code}")
    assert f'href="/surveys/c/{campaign.code}/"' in answers.content.decode()
    assert 'name="decision"' not in answers.content.decode()  # reviewing stays Home Affairs'
