"""In Chromium: a sampled person answers on a phone-sized screen (conditions, one submission
on a double click); two clerks key a paper form and the supervisor resolves the difference."""

import pytest

from cchc.surveys.models import PaperForm, Response
from cchc.surveys.tests.conftest import answer_all, enter_phone_responses, form_right_edge
from cchc.surveys.tests.test_collection import drawn
from cchc.testing import AgencyFactory, sign_in


@pytest.mark.browser
def test_respondent_answers_on_a_phone(browser_page, cast, campaign, method):
    page = browser_page
    page.set_viewport_size({"width": 375, "height": 740})
    person = drawn(cast, campaign).people.first()
    page.goto(f"{page.base_url}/surveys/r/{person.token}/")
    page.wait_for_selector("#q-B2")
    # the questionnaire fits the phone: no question or answer is wider than the screen
    widest = form_right_edge(page)
    assert widest <= 375 + 1, widest
    answer_all(page, "4")
    page.shot("answered")
    page.dblclick("#submit-survey")
    page.wait_for_selector(".survey-message")
    assert "Xin cảm ơn" in page.inner_text(".survey-message")
    assert Response.objects.count() == 1
    r = Response.objects.get()
    assert r.valid and r.answers["B2"] == 4


@pytest.mark.browser
def test_double_entry_and_supervisor(browser_page, cast, campaign, method):
    page = browser_page
    url = f"{page.base_url}/surveys/c/{campaign.code}/enter/?paper=1"
    for clerk, a1 in ((cast.clerk_a, "4"), (cast.clerk_b, "5")):
        sign_in(page, clerk)
        page.goto(url)
        page.select_option("select[name=unit]", cast.agency_a.code)
        page.fill("input[name=number]", "GIAY-001")
        answer_all(page, "4")
        page.check(f"input[name=a_A1][value='{a1}']")
        page.click("#submit-survey")
        page.wait_for_selector(".messages")
    form = PaperForm.objects.get(number="GIAY-001")
    assert form.status == PaperForm.Status.DISPUTED
    sign_in(page, cast.province_admin)
    page.goto(f"{page.base_url}/surveys/c/{campaign.code}/disputes/")
    page.fill("input[name=r_A1]", "5")
    page.shot("dispute")
    page.click("text=Xử lý")
    page.wait_for_selector("text=Không có sai khác cần xử lý.")
    form.refresh_from_db()
    assert form.status == PaperForm.Status.DONE and form.response is not None
    assert form.response.answers["A1"] == 5


@pytest.mark.browser
def test_conditions_show_hide_and_disable_from_the_static_script(
    browser_page, cast, draft_with_follow_up
):
    """static/cchc/surveys.js: a section shown only when Q8.3 = 1; while hidden its fields
    are disabled, so a hidden answer is never sent."""
    draft = draft_with_follow_up
    page = browser_page
    sign_in(page, cast.province_admin)
    page.goto(f"{page.base_url}/surveys/q/{draft.pk}/preview/")
    follow_up = page.locator("input[name='a_X.1']")
    follow_up.wait_for(state="attached")
    assert not follow_up.is_visible() and follow_up.is_disabled()
    page.check("input[name='a_Q8.3'][value='1']")
    assert follow_up.is_visible() and follow_up.is_enabled()
    page.check("input[name='a_Q8.3'][value='2']")
    assert not follow_up.is_visible() and follow_up.is_disabled()


@pytest.mark.browser
def test_fieldwork_progress_refreshes_itself(browser_page, cast, campaign, method):
    """The campaign page re-loads returns and quotas every 15 s (static/cchc/surveys.js)."""
    from cchc.surveys import campaign_settings
    from cchc.surveys.tests.conftest import enter_phone_responses

    campaign_settings.set_quota(campaign, agency=cast.agency_a, target=1, actor=cast.province_admin)
    page = browser_page
    page.clock.install()
    sign_in(page, cast.province_admin)
    page.goto(f"{page.base_url}/surveys/c/{campaign.code}/")
    assert "0/1" in page.inner_text("#fieldwork")
    enter_phone_responses(campaign, method, (4,), agency=cast.agency_a, actor=cast.clerk_a)
    page.clock.run_for(16_000)
    page.wait_for_selector("#fieldwork >> text=1/1 (đã đủ)")


@pytest.mark.browser
def test_closing_a_campaign_asks_first(browser_page, cast, campaign, method):
    """Closing the collection cannot be undone: the button asks, and "Cancel" sends nothing
    (static/cchc/ui.js, data-confirm); "OK" closes it."""
    page = browser_page
    sign_in(page, cast.province_admin)
    page.goto(f"{page.base_url}/surveys/c/{campaign.code}/")
    questions: list[str] = []

    def dismiss(dialog):
        questions.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", dismiss)
    page.click("button[value=close]")
    page.wait_for_timeout(300)
    campaign.refresh_from_db()
    assert campaign.is_open and "Đóng thu thập" in questions[0]
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        page.click("button[value=close]")
    campaign.refresh_from_db()
    assert not campaign.is_open


@pytest.mark.browser
def test_results_fit_a_phone(browser_page, cast, campaign, method):
    """The inspector reads the results on a 390 px phone: the wide tables (ranking, answers
    files, desk bias) scroll inside their box instead of widening the page."""
    from cchc.surveys.tests.conftest import enter_phone_responses

    enter_phone_responses(campaign, method, (4, 5), agency=cast.agency_a, actor=cast.clerk_a)
    enter_phone_responses(campaign, method, (3,), agency=cast.agency_b, actor=cast.clerk_b)
    page = browser_page
    sign_in(page, cast.inspector)
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(f"{page.base_url}/surveys/c/{campaign.code}/results/")
    page.wait_for_selector("#ranking")
    page.shot("results-phone")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


@pytest.mark.browser
def test_units_of_a_draft_are_found_by_name_and_added(browser_page, cast, questionnaire):
    """Among the province's units, Home Affairs type a few letters in the filter box over the
    units to add, tick the one left and save (static/cchc/ui.js, `data-filterable`)."""
    from cchc.surveys.models import CampaignUnit
    from cchc.surveys.tests.conftest import draft_campaign

    campaign = draft_campaign(cast, questionnaire)
    # the province's units: a list long enough for the filter box over it (static/cchc/ui.js)
    for n in range(8):
        AgencyFactory(name=f"UBND xã Thử Nghiệm {n}")
    page = browser_page
    sign_in(page, cast.province_admin)
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(f"{page.base_url}/surveys/c/{campaign.code}/units/")
    page.fill("input.select-filter >> nth=0", "xay dung")
    assert page.is_visible(f"label:has-text('{cast.agency_c.name}')")
    assert not page.is_visible(f"#id_add label:has-text('{cast.agency_b.name}')")
    page.check(f"#id_add input[value='{cast.agency_c.pk}']")
    page.shot("units-filtered")
    page.click("#units-form button[type=submit]")
    page.wait_for_selector("#units-table")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert set(CampaignUnit.objects.filter(campaign=campaign).values_list("agency", flat=True)) == {
        cast.agency_a.pk,
        cast.agency_c.pk,
    }


@pytest.mark.browser
def test_results_breadcrumb_never_widens_a_phone(browser_page, cast, campaign, method):
    """The results page was seen 8 px wider than a 390 px phone, then fine on reload: the
    breadcrumb's divider is drawn after the campaign's name, so when a long name's last line
    ends at the right edge (where depends on the name and the font) it stuck out. Every length
    of name, one word more at a time, keeps the page within the screen."""
    enter_phone_responses(campaign, method, (4, 5), agency=cast.agency_a, actor=cast.clerk_a)
    page = browser_page
    sign_in(page, cast.inspector)
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(f"{page.base_url}/surveys/c/{campaign.code}/results/")
    page.wait_for_selector("#ranking")
    widths = page.evaluate(
        """() => {
        const crumb = document.querySelectorAll('main nav[aria-label=breadcrumb] li')[1]
          .querySelector('a');
        const words = 'Khảo sát sự hài lòng của người dân tổ chức đối với sự phục vụ của cơ quan '
          + 'hành chính nhà nước năm 2026 đợt bổ sung dữ liệu mẫu thử nghiệm toàn tỉnh';
        const parts = words.split(' '), out = [];
        for (let n = 1; n <= parts.length; n++) {
          for (const tail of ['', 'i', 'iii', 'mmm']) {
            crumb.textContent = parts.slice(0, n).join(' ') + tail;
            out.push(document.documentElement.scrollWidth);
          }
        }
        return out;
    }"""
    )
    assert max(widths) <= 390, max(widths)


@pytest.mark.browser
def test_ranking_reads_on_a_phone_and_its_bars_follow_their_figures(
    browser_page, cast, campaign, method
):
    """On a 390 px phone each unit's figures are read together: its number of valid
    questionnaires and its interval were off the screen, to the right of a table scrolled
    sideways. At desktop width a bar's length is its figure's share of the column: the bars
    were drawn in a box 140 px wide in the middle of the column, 90 % and 60 % barely apart."""
    enter_phone_responses(campaign, method, (4, 5), agency=cast.agency_a, actor=cast.clerk_a)
    enter_phone_responses(campaign, method, (5, 4, 1), agency=cast.agency_b, actor=cast.clerk_b)
    page = browser_page
    sign_in(page, cast.inspector)
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(f"{page.base_url}/surveys/c/{campaign.code}/results/")
    page.wait_for_selector("#ranking")
    page.shot("results-ranking-phone")
    cells = page.evaluate(
        """() => {
        const heads = [...document.querySelectorAll('#ranking thead th')]
          .map(th => th.textContent.trim().toLowerCase());
        return [...document.querySelectorAll('#ranking tbody tr')].map(tr => {
          const cell = name => tr.cells[heads.indexOf(name)].getBoundingClientRect();
          return [cell('số phiếu hợp lệ'), cell('khoảng tin cậy 95 %'), cell('sipas %')]
            .map(r => [r.left, r.right, r.width]);
        });
    }"""
    )
    assert len(cells) == 2
    for row in cells:
        for left, right, width in row:
            assert width > 0 and left >= 0 and right <= 390, cells
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    page.set_viewport_size({"width": 1280, "height": 800})
    shares = page.evaluate(
        """() => [...document.querySelectorAll('#ranking tbody svg')].map(svg =>
          svg.querySelector('rect').getBoundingClientRect().width
          / svg.getBoundingClientRect().width)"""
    )
    assert sorted(round(s, 2) for s in shares) == [0.67, 1.0], shares
