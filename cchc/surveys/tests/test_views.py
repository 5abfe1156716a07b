"""Pages: the respondent's form, staff entry and keying, builder, results, letters."""

import re

from cchc.surveys import campaign_settings, collection, services
from cchc.surveys.models import PaperForm, Questionnaire, Response, SampledPerson
from cchc.surveys.tests.conftest import all_items, enter_phone_responses, results_with_a_desk_bias
from cchc.surveys.tests.test_collection import drawn


def post_answers(method, value, **extra):
    data = {f"a_{code}": str(v) for code, v in all_items(method, value).items()}
    data.update(extra)
    return data


def test_personal_link_form_and_submission(cast, campaign, method, client):
    person = drawn(cast, campaign).people.first()
    url = f"/surveys/r/{person.token}/"
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Công chức yêu cầu nộp hồ sơ đúng quy định" in html and 'name="nonce"' in html
    assert 'name="viewport"' in html
    done = client.post(url, post_answers(method, 4, nonce="abc", **{"a_Q2": "6"}))
    assert "Xin cảm ơn" in done.content.decode()
    r = Response.objects.get()
    assert r.answers["B2"] == 4 and r.answers["Q2"] == [6]
    again = client.post(url, post_answers(method, 4, nonce="other"))
    assert "đã được trả lời" in again.content.decode()
    assert client.get("/surveys/r/forged-token/").status_code == 404


def test_out_of_scale_post_shows_a_message(cast, campaign, method, client):
    person = drawn(cast, campaign).people.first()
    page = client.post(f"/surveys/r/{person.token}/", post_answers(method, 4, a_A1="7"))
    assert "A1" in page.content.decode() and Response.objects.count() == 0
    person.refresh_from_db()
    assert person.status == SampledPerson.Status.PENDING


def test_open_link_per_device(cast, campaign, method, client):
    url = f"/surveys/o/{campaign.code}/{campaign.open_token}/{cast.agency_a.code}/"
    assert client.get(url).status_code == 200
    assert "Xin cảm ơn" in client.post(url, post_answers(method, 5, nonce="1")).content.decode()
    assert (
        "Thiết bị này đã trả lời"
        in client.post(url, post_answers(method, 5, nonce="2")).content.decode()
    )
    bad = f"/surveys/o/{campaign.code}/guessed/{cast.agency_a.code}/"
    assert client.get(bad).status_code == 404


def test_enumerator_entry_and_double_keying_pages(cast, campaign, method, client):
    client.force_login(cast.clerk_a)
    url = f"/surveys/c/{campaign.code}/enter/"
    entry = client.get(url)
    # the unit rated is chosen, never the first of the list by default
    assert (
        entry.status_code == 200
        and '<option value="">— chọn đơn vị —</option>' in entry.content.decode()
    )
    empty = client.post(
        url, {"unit": cast.agency_a.code, "mode": "phone", "nonce": "e0"}, follow=True
    )
    assert "Phiếu chưa có câu trả lời nào" in empty.content.decode()
    client.post(url, post_answers(method, 5, unit=cast.agency_a.code, mode="phone", nonce="e1"))
    assert Response.objects.get().mode == "phone"
    paper = {"unit": cast.agency_a.code, "mode": "paper_post", "number": "P-9", "paper": "1"}
    client.post(url + "?paper=1", post_answers(method, 4, **paper))
    client.force_login(cast.clerk_b)
    client.post(url + "?paper=1", post_answers(method, 4, a_A1="5", **paper))
    form = PaperForm.objects.get(number="P-9")
    assert form.status == PaperForm.Status.DISPUTED
    client.force_login(cast.province_admin)
    disputes = f"/surveys/c/{campaign.code}/disputes/"
    assert "P-9" in client.get(disputes).content.decode()
    client.post(disputes, {"form": form.pk, "r_A1": "5"})
    form.refresh_from_db()
    assert form.status == PaperForm.Status.DONE and form.response is not None
    assert form.response.answers["A1"] == 5
    client.force_login(cast.citizen)
    assert client.get(url).status_code == 403


def test_campaign_page_results_and_letters(cast, campaign, method, client):
    drawn(cast, campaign)
    enter_phone_responses(
        campaign, method, (5, 4, 1), agency=cast.agency_b, actor=cast.clerk_b, stratum="HT:1"
    )
    client.force_login(cast.province_admin)
    page = client.get(f"/surveys/c/{campaign.code}/").content.decode()
    # live quota: 3 of the stratum's 5, the stratum named by its field and channel
    assert "Hộ tịch · Trực tiếp 3/5" in page and "HT:1" not in page
    results = client.get(f"/surveys/c/{campaign.code}/results/").content.decode()
    assert "66,67" in results or "66.67" in results
    unit = client.get(f"/surveys/c/{campaign.code}/results/{cast.agency_b.code}/").content.decode()
    assert 'id="profile"' in unit and "B2" in unit
    # the component profile: each bar labelled by its component's name, its figure with the
    # two decimals of the item tables, the bar a decoration of the table's figures
    profile = unit[unit.index('id="profile"') : unit.index("</table>", unit.index('id="profile"'))]
    # named by its heading and explained by the note above it (a caption inside a table that
    # scrolls sideways on a phone was cut off at the screen's edge)
    assert 'aria-labelledby="profile-title" aria-describedby="profile-note"' in profile
    assert '<th scope="row">P1 — Cung cấp thông tin chính sách</th><td>66,67</td>' in profile
    assert '<th scope="row">E — Tiếp nhận, xử lý góp ý, phản ánh, kiến nghị</th>' in profile
    assert "font-size" not in profile and 'aria-hidden="true"' in profile
    # SVG lengths are numbers with a point whatever the page's language ("66,67%" draws nothing)
    widths = re.findall(r'<rect x="0" y="2" width="([^"]*)%" height="12" fill="#1d4ed8"/>', unit)
    assert len(widths) == 9 and set(widths) == {"66.67"}, widths
    pdf = client.get(f"/surveys/c/{campaign.code}/letters/{cast.agency_b.code}.pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    client.logout()
    assert client.get(f"/surveys/c/{campaign.code}/results/").status_code == 404  # not published
    services.close_campaign(campaign, actor=cast.province_admin)
    services.publish_results(campaign, actor=cast.province_admin)
    assert client.get(f"/surveys/c/{campaign.code}/results/").status_code == 200
    assert campaign.name in client.get("/surveys/public/").content.decode()
    unit = client.get(f"/surveys/c/{campaign.code}/results/{cast.agency_b.code}/").content.decode()
    assert 'id="trend"' in unit and "2026" in unit


def test_builder_versions_and_preview(cast, questionnaire, method, client):
    client.force_login(cast.province_admin)
    url = f"/surveys/q/{questionnaire.pk}/"
    assert "phiên bản mới" in client.get(url).content.decode()
    client.post(url, {"action": "version"})
    copy = Questionnaire.objects.get(code=questionnaire.code, version=2)
    curl = f"/surveys/q/{copy.pk}/"
    client.post(curl, {"action": "section", "title": "Góp ý", "cond_item": "Q8.3", "cond_in": "1"})
    section = copy.sections.get(title="Góp ý")
    assert section.condition == {"item": "Q8.3", "in": [1]}
    method.items.create(code="X.9", kind="other", type="long_text", text="Ý kiến khác", order=900)
    client.post(
        curl, {"action": "question", "section": section.pk, "item": "X.9", "required": "on"}
    )
    assert section.questions.get().required
    assert "Ý kiến khác" in client.get(f"/surveys/q/{copy.pk}/preview/").content.decode()
    client.post(curl, {"action": "publish"})
    copy.refresh_from_db()
    assert copy.is_published
    before = copy.sections.count()
    client.post(curl, {"action": "section", "title": "Sau ban hành"})
    assert copy.sections.count() == before  # refused: published versions never change
    client.force_login(cast.leader_a)
    assert client.get(url).status_code == 403


def test_results_page_shows_the_bias_check_and_excel(cast, campaign, method, client):
    page = results_with_a_desk_bias(cast, campaign, method, client)
    assert 'id="bias"' in page and "cao bất thường" in page
    # the gap says what it is: the higher desk figure less the independent one, in points
    caption = page[page.index('<caption id="bias-gap"') : page.index("</caption>")]
    assert (
        "“Chênh lệch” là số cao hơn trong hai số tại quầy (“Tại quầy và ki-ốt”, “Đánh giá "
        "hồ sơ tại quầy”) trừ đi số của khảo sát độc lập, tính bằng điểm phần trăm."
    ) in caption
    assert "trên 10 điểm" in caption and '<th scope="col">Chênh lệch (điểm)</th>' in page
    # kiosk 100 %, counter ratings none, independent (phone) 0 %: a gap of 100 points
    assert "<td>100,0 (n=1)</td><td> (n=0)</td><td>0,0 (n=1)</td><td>100,0</td>" in page
    xlsx = client.get(f"/surveys/c/{campaign.code}/results.xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"


def test_excel_keeps_the_pages_order_decimals_and_unit_names(cast, campaign, method, client):
    """The workbook lists the units as the page does (by SIPAS, highest first), with the
    page's two decimals (66.67, not 66.66666666666667), and names every unit on the item
    sheet next to its code."""
    import io

    from openpyxl import load_workbook

    # A: 5, 4, 1 → 66.67; B: 5, 5, 4 and one item 2 → higher, listed first
    enter_phone_responses(campaign, method, (5, 4, 1), agency=cast.agency_a, actor=cast.clerk_a)
    for value in (5, 5, 4):
        collection.enter_response(
            campaign,
            agency=cast.agency_b,
            mode="phone",
            answers=all_items(method, value, A1=2),
            actor=cast.clerk_b,
        )
    client.force_login(cast.province_admin)
    page = client.get(f"/surveys/c/{campaign.code}/results/").content.decode()
    ranking = page[page.index('id="ranking"') : page.index("</table>", page.index('id="ranking"'))]
    shown = [n for n in (cast.agency_a.name, cast.agency_b.name) if n in ranking]
    shown.sort(key=ranking.index)
    assert shown == [cast.agency_b.name, cast.agency_a.name]

    book = load_workbook(io.BytesIO(client.get(f"/surveys/c/{campaign.code}/results.xlsx").content))
    sipas = list(book["SIPAS"].iter_rows(values_only=True))
    assert sipas[0][:5] == ("Nhóm", "Hạng", "Mã đơn vị", "Đơn vị", "SIPAS %")
    assert [row[3] for row in sipas[1:]] == shown
    assert [row[2] for row in sipas[1:]] == [cast.agency_b.code, cast.agency_a.code]
    a = sipas[2]
    assert a[4] == 66.67 and "66,67" in ranking
    numbers = [v for row in sipas[1:] for v in row[4:7] if isinstance(v, float)]
    assert numbers and all(v == round(v, 2) for v in numbers), numbers
    assert book["SIPAS"]["E2"].number_format == "0.00"

    items = list(book["Câu hỏi"].iter_rows(values_only=True))
    assert items[0][:4] == ("Mã đơn vị", "Đơn vị", "Câu hỏi", "Nội dung câu hỏi")
    names = {row[0]: row[1] for row in items[1:]}
    assert names == {cast.agency_a.code: cast.agency_a.name, cast.agency_b.code: cast.agency_b.name}
    # in the same order as the ranking, every figure with two decimals at most
    assert items[1][0] == cast.agency_b.code and items[-1][0] == cast.agency_a.code
    b2 = next(row for row in items if row[0] == cast.agency_a.code and row[2] == "B2")
    assert b2[3] == "Công chức yêu cầu nộp hồ sơ đúng quy định"
    # then the province's figure, the difference and how many chose each answer 1 to 5
    assert b2[4:] == (2, 3, 66.67, 83.33, -16.66, 1, 0, 0, 1, 1)
    assert all(row[6] == round(row[6], 2) for row in items[1:] if row[6] is not None)


def test_respondent_is_told_before_answering_when_collection_stopped(
    cast, campaign, method, client
):
    """A used personal link, a full quota, a device's open-link answers used up and a closed
    campaign are said on opening the form, not after the questionnaire is filled in."""
    person = drawn(cast, campaign).people.first()
    personal = f"/surveys/r/{person.token}/"
    open_link = f"/surveys/o/{campaign.code}/{campaign.open_token}/{cast.agency_a.code}/"
    assert 'id="survey-form"' in client.get(personal).content.decode()
    client.post(personal, post_answers(method, 4, nonce="p1"))
    used = client.get(personal).content.decode()
    assert "đã được trả lời" in used and 'id="survey-form"' not in used
    # the device answered once on the open link (limit 1): the kiosk is not limited per device
    assert 'id="survey-form"' in client.get(open_link).content.decode()
    client.post(open_link, post_answers(method, 4, nonce="o1"))
    assert "Thiết bị này đã trả lời" in client.get(open_link).content.decode()
    assert 'id="survey-form"' in client.get(open_link + "?kiosk=1").content.decode()
    # the unit's quota is met: collection stops for every respondent of the unit
    campaign_settings.set_quota(campaign, agency=cast.agency_a, target=1, actor=cast.province_admin)
    client.post(open_link + "?kiosk=1", post_answers(method, 4, nonce="k1"))
    assert Response.objects.count() == 3
    full = client.get(open_link + "?kiosk=1").content.decode()
    assert "đã đủ" in full and 'id="survey-form"' not in full
    refused = client.post(open_link + "?kiosk=1", post_answers(method, 4, nonce="k2"))
    assert "đã đủ" in refused.content.decode() and Response.objects.count() == 3
    assert Response.objects.filter(quota_stratum="*").count() == 1
    # the campaign page shows the quota as full in words, not only in colour
    client.force_login(cast.province_admin)
    progress = client.get(f"/surveys/c/{campaign.code}/progress/").content.decode()
    assert "1/1 (đã đủ)" in progress
    services.close_campaign(campaign, actor=cast.province_admin)
    client.logout()
    other = f"/surveys/o/{campaign.code}/{campaign.open_token}/{cast.agency_b.code}/?kiosk=1"
    assert "đã kết thúc" in client.get(other).content.decode()


def test_a_refused_questionnaire_comes_back_with_every_answer_given(cast, campaign, method, client):
    """A respondent whose answers are refused (here one answer off the scale) gets the page
    back with what they had ticked and typed, not an empty questionnaire."""
    import re

    url = f"/surveys/o/{campaign.code}/{campaign.open_token}/{cast.agency_a.code}/"
    data = post_answers(method, 4, nonce="keep-1")
    codes = sorted(k for k in data if k.startswith("a_"))
    data[codes[0]] = "7"  # off the 1-5 scale: refused
    page = client.post(url, data).content.decode()
    assert not Response.objects.exists()
    checked = set(re.findall(r'name="(a_[^"]+)" value="4"[^>]*\bchecked\b', page))
    assert checked == set(codes[1:])  # every other answer is still ticked
    assert not re.search(r'value="[^4"][^"]*"[^>]*\bchecked\b', page)  # and nothing else
