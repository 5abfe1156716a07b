"""End to end in Chromium: a unit self-assesses with an evidence upload and submits, the
appraisal team adjusts a score and finalises, and the results page shows the unit."""

from __future__ import annotations

import pytest

from cchc.reform.models import Assessment, Score
from cchc.testing import sign_in


@pytest.mark.browser
def test_self_assessment_appraisal_and_results(transactional_db, browser_page, cast, tmp_path):
    from cchc.reform.tests.helpers import appraisal_team, build_template

    t = build_template()
    chair = appraisal_team(t, cast.agency_b, full_name="Tổ trưởng thẩm định")
    page = browser_page
    evidence = tmp_path / "ke-hoach.pdf"
    evidence.write_bytes(b"%PDF-1.4\n% ke hoach CCHC 2026\n")

    # 1. the unit's specialist opens the self-assessment, scores and uploads evidence
    sign_in(page, cast.specialist_b)
    page.goto(f"{page.base_url}/par/")
    page.click("text=Mở Mẫu T-2026")
    page.wait_for_selector("#sheet")
    row = page.locator("#n-1\\.1\\.1")
    row.locator("input[name=score]").fill("9")
    row.locator(".score-form button").click()
    page.wait_for_selector("text=Đã lưu điểm.")
    row = page.locator("#n-1\\.1\\.1")
    row.locator("summary").click()
    row.locator("input[name=doc_number]").fill("01/KH-STP")
    row.locator("input[name=issuer]").fill("Sở Tư pháp")
    row.locator("input[name=doc_date]").fill("2026-01-10")
    row.locator("input[name=file]").set_input_files(str(evidence))
    row.locator(".evidence-form button").click()
    page.wait_for_selector("text=Đã thêm tài liệu kiểm chứng.")
    row = page.locator("#n-1\\.1\\.2")
    row.locator("input[name=score]").fill("16")
    row.locator("textarea[name=explanation]").fill("Số liệu hệ thống năm 2026")
    row.locator(".score-form button").click()
    page.wait_for_selector("text=Đã lưu điểm.")
    assert "ke-hoach.pdf" in page.content()
    page.shot("self-assessed")

    # 2. the leader approves and submits
    sign_in(page, cast.leader_b)
    a = Assessment.objects.get()
    page.goto(f"{page.base_url}/par/a/{a.pk}/")
    page.click("#submit")
    page.wait_for_selector("text=Đã gửi bản tự đánh giá.")

    # 3. the chair adjusts one score with a reason and finalises
    sign_in(page, chair)
    page.goto(f"{page.base_url}/par/a/{a.pk}/")
    row = page.locator("#n-1\\.1\\.1")
    row.locator(".appraise-form input[name=score]").fill("7")
    row.locator(".appraise-form input[name=comment]").fill("Kế hoạch ban hành muộn")
    row.locator(".appraise-form button[value=adjust]").click()
    page.wait_for_selector("text=Kế hoạch ban hành muộn")
    # the unit was not asked to answer 1.1.1: the chair opens the confirmation, which names it
    page.click("#finalise-unasked summary")
    assert "1.1.1" in page.locator("#finalise-unasked").inner_text()
    page.click("#finalise")
    page.wait_for_selector("text=Đã chốt kết quả thẩm định.")
    page.shot("appraised")
    s = Score.objects.get(assessment=a, node__code="1.1.1")
    assert (s.self_score, s.appraised_score) == (9, 7)

    # 4. Home Affairs sees the ranking and the unit's drill-down
    sign_in(page, cast.province_admin)
    page.goto(f"{page.base_url}/par/results/2026/")
    page.wait_for_selector("text=Sở Tư pháp")
    page.click("table.ranking a:has-text('Sở Tư pháp')")
    page.wait_for_selector("#lost")
    assert "Mất điểm ở đâu" in page.content()
    page.shot("results")
