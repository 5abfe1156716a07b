"""End to end in Chromium: a citizen files a petition, staff route and answer it, the leader
publishes it, and the citizen rates the answer."""

import pytest

from cchc.feedback.models import Petition
from cchc.testing import sign_in


@pytest.mark.browser
def test_petition_from_web_form_to_rated_answer(reseeded, browser_page, cast):
    page = browser_page
    # 1. a citizen, not signed in, files a petition
    page.goto(f"{page.base_url}/feedback/new/")
    page.select_option("#id_topic", label="Quy định, thủ tục hành chính")
    page.select_option("#id_agency", label=cast.agency_a.name)
    page.fill("#id_title", "Giấy tờ không cần thiết")
    page.fill("#id_description", "Bộ phận một cửa yêu cầu bản sao công chứng sổ hộ khẩu dù đã bỏ.")
    page.fill("#id_petitioner_name", "Nguyễn Văn An")
    page.fill("#id_petitioner_phone", "0912345678")
    page.shot("form-filled")
    page.click("button[type=submit]")
    page.wait_for_selector("#petition-code")
    code = page.inner_text("#petition-code")
    citizen_link = page.url
    petition = Petition.objects.get(code=code)
    assert petition.channel == "WEB" and petition.status == "RECEIVED"
    page.shot("received")

    # 2. the clerk of agency A confirms the routing
    sign_in(page, cast.clerk_a)
    page.goto(f"{page.base_url}/feedback/staff/?tab=unrouted")
    page.click(f"text={code}")
    page.click("#confirm-form button")
    page.wait_for_selector("text=Đang xử lý")

    # 3. the specialist answers from a template
    sign_in(page, cast.specialist_a)
    page.goto(f"{page.base_url}/feedback/staff/{code}/")
    page.fill("#answer-text", "Đã chấn chỉnh: không yêu cầu bản sao sổ hộ khẩu. Xin cảm ơn Ông/Bà.")
    page.click("#answer-form button")
    page.wait_for_selector("#publish-btn", state="detached")
    page.shot("answered")

    # 4. the leader publishes, once they confirm that everyone will read the answer
    sign_in(page, cast.leader_a)
    page.goto(f"{page.base_url}/feedback/staff/{code}/")
    asked: list[str] = []

    def agree(dialog):  # type: ignore[no-untyped-def]
        asked.append(dialog.message)
        dialog.accept()

    page.once("dialog", agree)
    page.click("#publish-btn")
    page.wait_for_selector("text=Đã công khai trả lời")
    petition.refresh_from_db()
    assert petition.status == "PUBLISHED" and asked[0].startswith("Công khai câu trả lời?")

    # 5. the citizen follows the link, reads the answer and rates it (htmx, one vote)
    page.context.clear_cookies()
    page.goto(citizen_link)
    page.click("text=Đọc câu trả lời và đánh giá")
    page.wait_for_selector("#answer-text")
    assert "0912345678" not in page.content()
    page.click("#vote-like")
    page.wait_for_selector("#vote-recorded")
    assert page.inner_text("#likes") == "1"
    with page.expect_response(lambda r: r.request.method == "POST"):
        page.click("#vote-like")
    assert page.inner_text("#likes") == "1"
    page.shot("rated")
    petition.refresh_from_db()
    assert (petition.likes, petition.dislikes) == (1, 0)


@pytest.mark.browser
def test_a_template_replaces_a_typed_answer_only_if_the_specialist_agrees(
    reseeded, browser_page, cast
):
    from cchc.feedback import petitions
    from cchc.feedback.models import ResponseTemplate
    from cchc.feedback.tests.factories import file

    petition = petitions.confirm_routing(
        file(cast.agency_a), actor=cast.clerk_a, category="TTHC", agency=cast.agency_a
    )
    ResponseTemplate.objects.create(
        category=petition.category, title="Cảm ơn", body="Xin cảm ơn Ông/Bà đã phản ánh."
    )
    page = browser_page
    sign_in(page, cast.specialist_a)
    page.goto(f"{page.base_url}/feedback/staff/{petition.code}/")
    template = page.locator("select[data-fill-target=answer-text]")
    template.select_option(label="Cảm ơn")  # an empty answer: filled without a question
    assert page.input_value("#answer-text") == "Xin cảm ơn Ông/Bà đã phản ánh."
    page.fill("#answer-text", "Câu trả lời tôi đã viết.")
    questions: list[str] = []

    def decline(dialog):  # type: ignore[no-untyped-def]
        questions.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", decline)
    template.select_option("")
    template.select_option(label="Cảm ơn")
    assert questions == ["Thay văn bản bạn đã viết bằng mẫu?"]
    assert page.input_value("#answer-text") == "Câu trả lời tôi đã viết."


@pytest.mark.browser
def test_back_then_send_again_files_one_petition(reseeded, browser_page, cast):
    """In Chromium, as a person does it: send, press Back (the filled form comes back),
    send again. One petition; the second sending lands on the first one's page."""
    page = browser_page
    page.goto(f"{page.base_url}/feedback/new/")
    page.select_option("#id_topic", label="Quy định, thủ tục hành chính")
    page.fill("#id_title", "Gửi hai lần")
    page.fill("#id_description", "Tôi bấm Quay lại rồi gửi lại cùng một biểu mẫu.")
    page.fill("#id_petitioner_name", "Nguyễn Văn An")
    page.fill("#id_petitioner_phone", "0912345678")
    key_before = page.input_value("input[name=form_key]")
    page.click("button[type=submit]")
    page.wait_for_selector("#petition-code")
    first = page.url
    page.go_back()
    page.wait_for_selector("#id_title")
    # the browser put back the page's first key with what was typed
    assert page.input_value("input[name=form_key]") == key_before
    if not page.input_value("#id_title"):  # the browser did not keep what was typed
        page.fill("#id_title", "Gửi hai lần")
        page.fill("#id_description", "Tôi bấm Quay lại rồi gửi lại cùng một biểu mẫu.")
        page.fill("#id_petitioner_name", "Nguyễn Văn An")
    page.click("button[type=submit]")
    page.wait_for_selector("#petition-code")
    assert Petition.objects.filter(title="Gửi hai lần").count() == 1
    assert page.url == first and "Biểu mẫu này đã được gửi" in page.content()
