"""Matrix of scale items, ranking and file questions (issue 13.2): added in the builder,
answered in the respondent's form, refused with a Vietnamese message when they cannot be
what the question asks, and nothing saved then."""

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from cchc.core.errors import ValidationFailed
from cchc.surveys import collection, questionnaires
from cchc.surveys.models import Item, Mode, Questionnaire, Response
from cchc.surveys.tests.conftest import all_items, answer_all, form_right_edge, open_campaign

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture
def typed(cast, questionnaire):
    """Version 2 of the questionnaire with a matrix, a ranking and a file question, and an
    open campaign on it."""
    admin = cast.province_admin
    draft = questionnaires.new_version(questionnaire, actor=admin, province_code="01")
    section = questionnaires.add_section(
        draft, title="Câu hỏi riêng", actor=admin, province_code="01"
    )
    for question in (
        {
            "code": "M1",
            "type": Item.Type.MATRIX,
            "text": "Mức hài lòng với từng khâu",
            "params": {"rows": [["1", "Tiếp nhận"], ["2", "Trả kết quả"]]},
            "required": True,
        },
        {
            "code": "R1",
            "type": Item.Type.RANKING,
            "text": "Xếp hạng các kênh bạn ưa dùng",
            "options": [[1, "Trực tuyến"], [2, "Bưu điện"], [3, "Tại quầy"]],
            "params": {"places": 2},
        },
        {"code": "F1", "type": Item.Type.FILE, "text": "Ảnh chụp giấy hẹn (nếu có)"},
    ):
        questionnaires.add_own_question(section, actor=admin, province_code="01", **question)
    draft = questionnaires.publish_questionnaire(draft, actor=admin, province_code="01")
    return open_campaign(
        draft,
        [cast.agency_a],
        actor=admin,
        code="KS-LOAI",
        name="Khảo sát thử các loại câu hỏi",
    )


def enter(cast, campaign, answers):
    return collection.enter_response(
        campaign, agency=cast.agency_a, mode=Mode.PHONE, answers=answers, actor=cast.clerk_a
    )


def test_own_questions_are_unscored_bank_items(typed, method):
    items = {i.code: i for i in method.items.filter(code__in=["M1", "R1", "F1"])}
    assert {c: i.type for c, i in items.items()} == {"M1": "matrix", "R1": "ranking", "F1": "file"}
    assert all(i.kind == Item.Kind.OTHER and not i.is_scored for i in items.values())
    # a matrix without its own answers gets the 1-5 satisfaction scale
    assert [o[0] for o in items["M1"].options] == [1, 2, 3, 4, 5]
    assert list(items["R1"].ranking_places) == [1, 2]


@pytest.mark.parametrize(
    ("code", "value", "message"),
    [
        ("M1", {"1": 4, "3": 5}, "không có dòng 3"),
        ("M1", {"1": 7, "2": 4}, "không nằm trong thang"),
        ("M1", {"1": 4}, "Mọi dòng của câu M1"),
        ("M1", [4, 5], "không thuộc các phương án cho phép"),
        ("R1", [1, 1], "chỉ được xếp một vị trí"),
        ("R1", [None, 2], "không bỏ trống vị trí"),
        ("R1", [1, 2, 3], "không bỏ trống vị trí"),
        ("R1", [1, 9], "không thuộc các phương án cho phép"),
        ("F1", "giay-hen.pdf", "phải là một tệp tải lên"),
    ],
)
def test_bad_answers_are_refused_in_vietnamese_and_nothing_is_saved(
    cast, typed, method, code, value, message
):
    answers = all_items(method, 4, M1={"1": 4, "2": 5})
    answers[code] = value
    with pytest.raises(ValidationFailed, match=message) as caught:
        enter(cast, typed, answers)
    assert caught.value.field == code
    assert Response.objects.count() == 0


def test_uploads_are_sniffed_and_size_limited(cast, typed, method, settings):
    answers = all_items(method, 4, M1={"1": 4, "2": 5})
    fake = SimpleUploadedFile("anh.png", b"MZ\x90\x00 not an image", content_type="image/png")
    with pytest.raises(ValidationFailed, match="không phải tài liệu PDF, JPEG hoặc PNG"):
        enter(cast, typed, {**answers, "F1": fake})
    settings.MAX_UPLOAD_MB = 0
    with pytest.raises(ValidationFailed, match="vượt quá"):
        enter(cast, typed, {**answers, "F1": SimpleUploadedFile("a.pdf", PDF)})
    assert Response.objects.count() == 0


def test_good_answers_are_kept_with_the_file_stored_by_content(cast, typed, method):
    upload = SimpleUploadedFile("Nguyen Van A - giay hen.png", PNG, content_type="image/png")
    response = enter(cast, typed, all_items(method, 4, M1={"1": 4, "2": 9}, R1=[3, 1], F1=upload))
    assert response.valid and response.answers["M1"] == {"1": 4, "2": 9}
    assert response.answers["R1"] == [3, 1]
    stored = response.answers["F1"]
    assert stored["type"] == "image/png" and stored["size"] == len(PNG)
    # the respondent's file name (it may carry a name) is not kept
    assert "Nguyen" not in str(response.answers)
    with default_storage.open(stored["file"]) as f:
        assert f.read() == PNG


def test_respondent_form_posts_matrix_ranking_and_file(cast, typed, method, client):
    client.force_login(cast.clerk_a)
    url = f"/surveys/c/{typed.code}/enter/"
    page = client.get(url).content.decode()
    assert 'enctype="multipart/form-data"' in page
    assert 'name="a_M1__1"' in page and 'name="a_R1__2"' in page and 'type="file"' in page
    data: dict[str, object] = {f"a_{c}": 4 for c in all_items(method, 4)}
    data |= {"unit": cast.agency_a.code, "mode": "phone", "nonce": "k1"}
    data |= {"a_M1__1": "5", "a_M1__2": "3", "a_R1__1": "2", "a_R1__2": "1"}
    data["a_F1"] = SimpleUploadedFile("x.pdf", PDF, content_type="application/pdf")
    client.post(url, data)
    response = Response.objects.get()
    assert response.answers["M1"] == {"1": 5, "2": 3} and response.answers["R1"] == [2, 1]
    assert response.answers["F1"]["type"] == "application/pdf"
    # the same place given to two answers: the message is shown, nothing saved
    data |= {"nonce": "k2", "a_R1__1": "1", "a_R1__2": "1"}
    data.pop("a_F1")
    page = client.post(url, data, follow=True).content.decode()
    assert "chỉ được xếp một vị trí" in page
    assert Response.objects.count() == 1


def test_builder_adds_matrix_ranking_and_file_questions(cast, questionnaire, client):
    client.force_login(cast.province_admin)
    client.post(f"/surveys/q/{questionnaire.pk}/", {"action": "version"})
    draft = Questionnaire.objects.get(code=questionnaire.code, version=2)
    section = draft.sections.all()[0]
    url = f"/surveys/q/{draft.pk}/"
    page = client.get(url).content.decode()
    assert 'id="add-own-question"' in page and "Ma trận" in page
    base = {"action": "own", "section": section.pk}
    client.post(
        url,
        base
        | {"code": "MX", "type": "matrix", "text": "Từng khâu", "rows": "Tiếp nhận\nTrả kết quả"},
    )
    client.post(
        url,
        base
        | {
            "code": "RK",
            "type": "ranking",
            "text": "Xếp hạng",
            "options": "Trực tuyến\nBưu điện\nTại quầy",
            "rank_all": "on",
        },
    )
    client.post(url, base | {"code": "FL", "type": "file", "text": "Tệp đính kèm"})
    codes = set(section.questions.values_list("item__code", flat=True))
    assert {"MX", "RK", "FL"} <= codes
    mx = Item.objects.get(code="MX")
    assert mx.params["rows"] == [["1", "Tiếp nhận"], ["2", "Trả kết quả"]]
    assert Item.objects.get(code="RK").params == {"rank_all": True}
    # a matrix without rows: the form says why, nothing added
    page = client.post(url, base | {"code": "M2", "type": "matrix", "text": "x"}).content.decode()
    assert "Nhập các dòng của ma trận" in page
    assert not Item.objects.filter(code="M2").exists()
    preview = client.get(f"/surveys/q/{draft.pk}/preview/").content.decode()
    assert 'name="a_MX__2"' in preview and 'name="a_RK__3"' in preview


@pytest.mark.browser
def test_matrix_ranking_and_file_on_a_390px_phone(browser_page, cast, typed, method, tmp_path):
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 780})
    page.goto(f"{page.base_url}/surveys/o/{typed.code}/{typed.open_token}/{cast.agency_a.code}/")
    page.wait_for_selector("#q-M1")
    widest = form_right_edge(page)
    assert widest <= 390 + 1, widest
    # every answer of the matrix is a touch target of at least 44 px
    heights = page.evaluate(
        "[...document.querySelectorAll('#q-M1 label')].map(e => e.getBoundingClientRect().height)"
    )
    assert heights and min(heights) >= 44, heights
    answer_all(page, "4", within="#survey-form > fieldset")
    page.select_option("select[name=a_R1__1]", "3")
    page.select_option("select[name=a_R1__2]", "1")
    upload = tmp_path / "giay-hen.pdf"
    upload.write_bytes(PDF)
    page.set_input_files("input[name=a_F1]", str(upload))
    page.shot("matrix-ranking-file")
    page.click("#submit-survey")
    page.wait_for_selector(".survey-message")
    response = Response.objects.get()
    assert response.answers["M1"] == {"1": 4, "2": 4}
    assert response.answers["R1"] == [3, 1]
    assert response.answers["F1"]["type"] == "application/pdf"
