"""The inspection record and the re-inspection go through Django forms (ChecklistForm,
ReinspectForm): a missing or unknown result, an unknown finding or verdict is refused with a
Vietnamese message and nothing is saved."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import FileResponse

from cchc.plans import inspections as isvc
from cchc.plans.forms import ChecklistForm, ReinspectForm
from cchc.plans.inspection_models import ChecklistResult, FindingStatus, InspectionStatus
from cchc.plans.tests.stories import complete_corrective_task
from cchc.testing import client_for

D = dt.date
pytestmark = pytest.mark.django_db


def test_checklist_form_refuses_a_missing_or_unknown_result(insp):
    form = ChecklistForm({"result_C01": "PASS", "result_C02": "MAYBE"}, checklist=insp.checklist)
    assert not form.is_valid()
    assert form.errors["result_C02"] == [
        "Hãy chọn đạt, không đạt hoặc không áp dụng cho nội dung này."
    ]
    form = ChecklistForm({"result_C01": "PASS"}, checklist=insp.checklist)
    assert not form.is_valid() and "result_C02" in form.errors
    assert [r["item"]["label"] for r in form.rows()] == ["Niêm yết TTHC", "Sổ theo dõi"]


def test_record_by_form_saves_results_notes_and_photos(cast, insp):
    url = f"/plans/kiem-tra/{insp.code}/record/"
    r = client_for(cast.inspector).post(url, {"result_C01": "FAIL", "note_C01": "Thiếu"})
    page = r.content.decode()
    assert r.status_code == 200  # the page again, the form bound with its errors
    assert "Hãy chọn đạt, không đạt hoặc không áp dụng cho nội dung này." in page
    assert 'id="id_result_C02_error"' in page and 'aria-invalid="true"' in page
    insp.refresh_from_db()
    assert insp.status == InspectionStatus.PLANNED and not insp.results.exists()

    photo = SimpleUploadedFile("anh.jpg", b"\xff\xd8\xff\xe0jpeg", content_type="image/jpeg")
    r = client_for(cast.inspector).post(
        url,
        {"result_C01": "FAIL", "note_C01": "Thiếu 3 TTHC", "photo_C01": photo, "result_C02": "NA"},
    )
    assert r.status_code == 302
    insp.refresh_from_db()
    assert insp.status == InspectionStatus.RECORDED
    c01, c02 = insp.results.order_by("item_code")
    assert (c01.result, c01.note, c02.result) == ("FAIL", "Thiếu 3 TTHC", "NA")
    assert c01.photo.name.endswith(".jpg") and not c02.photo
    assert ChecklistResult.objects.count() == 2


def test_reinspect_by_form(cast, insp):
    isvc.record_inspection(
        insp, actor=cast.inspector, results={"C01": {"result": "FAIL"}, "C02": {"result": "PASS"}}
    )
    finding = isvc.raise_finding(
        actor=cast.inspector, inspection=insp, severity="LOW", description="Thiếu niêm yết"
    )
    isvc.conclude(insp, actor=cast.inspector, conclusion="Khắc phục")
    finding.refresh_from_db()
    complete_corrective_task(
        finding, actor=cast.leader_a, result="Đã niêm yết", evidence_link="https://example.vn/anh"
    )
    other = isvc.schedule_inspection(
        actor=cast.inspector, agency=cast.agency_a, scheduled_on=D(2026, 6, 1), checklist=["X"]
    )
    form = ReinspectForm({"finding": finding.pk, "verdict": "close"}, inspection=other)
    assert not form.is_valid()
    assert form.errors["finding"] == ["Tồn tại này không thuộc cuộc kiểm tra này."]
    form = ReinspectForm({"finding": finding.pk, "verdict": "maybe"}, inspection=insp)
    assert form.errors["verdict"] == ["Hãy chọn đóng hoặc mở lại tồn tại."]

    url = f"/plans/kiem-tra/{insp.code}/reinspect/"
    c = client_for(cast.inspector)
    r = c.post(url, {"finding": finding.pk, "verdict": "maybe"}, follow=True)
    assert "Hãy chọn đóng hoặc mở lại tồn tại." in r.content.decode()
    finding.refresh_from_db()
    assert finding.status == FindingStatus.OPEN
    c.post(url, {"finding": finding.pk, "verdict": "close", "note": "Đã kiểm tra lại"})
    finding.refresh_from_db()
    assert finding.status == FindingStatus.CLOSED
    # a re-inspection of a finding already closed: the service's message, nothing changed
    r = c.post(url, {"finding": finding.pk, "verdict": "reopen"}, follow=True)
    assert f"Tồn tại {finding.code} đã được đóng" in r.content.decode()
    finding.refresh_from_db()
    assert finding.status == FindingStatus.CLOSED


def test_the_inspection_page_shows_the_checklist_photos_and_the_self_report(cast, insp):
    """The photos taken for the checklist and the unit's self-inspection report open from the
    inspection page (they were stored, and nobody could see them), for those who may see the
    inspection only."""
    isvc.upload_self_report(
        insp,
        actor=cast.leader_a,
        file=SimpleUploadedFile("bc.pdf", b"%PDF-1.4 tu kiem tra", content_type="application/pdf"),
    )
    photo = SimpleUploadedFile("anh.jpg", b"\xff\xd8\xff\xe0jpeg", content_type="image/jpeg")
    client_for(cast.inspector).post(
        f"/plans/kiem-tra/{insp.code}/record/",
        {"result_C01": "FAIL", "note_C01": "Thiếu", "photo_C01": photo, "result_C02": "PASS"},
    )
    c01 = insp.results.get(item_code="C01")
    photo_url = f"/plans/kiem-tra/{insp.code}/anh/{c01.pk}/"
    report_url = f"/plans/kiem-tra/{insp.code}/tu-kiem-tra/tep/"
    for user in (cast.inspector, cast.leader_a):
        page = client_for(user).get(f"/plans/kiem-tra/{insp.code}/").content.decode()
        assert f'<img src="{photo_url}" alt="Ảnh: Niêm yết TTHC"' in page
        assert f'href="{report_url}"' in page
        r = client_for(user).get(photo_url)
        assert (r.status_code, r["Content-Type"]) == (200, "image/jpeg")
        assert isinstance(r, FileResponse)
        assert b"".join(r.streaming_content) == b"\xff\xd8\xff\xe0jpeg"
        r = client_for(user).get(report_url)
        assert (r.status_code, r["Content-Type"]) == (200, "application/pdf")
    c02 = insp.results.get(item_code="C02")
    assert (
        client_for(cast.inspector).get(f"/plans/kiem-tra/{insp.code}/anh/{c02.pk}/").status_code
        == 404
    )
    for url in (photo_url, report_url):  # another unit's leader sees neither
        assert client_for(cast.leader_b).get(url).status_code == 404


def test_the_inspection_page_names_the_team_and_the_period_under_inspection(cast):
    """The unit learns from the inspection page who inspects it and which months are looked
    at: both were stored with the inspection and shown nowhere."""
    insp = isvc.schedule_inspection(
        actor=cast.inspector,
        agency=cast.agency_a,
        scheduled_on=D(2026, 5, 10),
        checklist=["Niêm yết TTHC"],
        team=[cast.inspector],
        period_from=D(2026, 1, 1),
        period_to=D(2026, 4, 30),
    )
    page = client_for(cast.leader_a).get(f"/plans/kiem-tra/{insp.code}/").content.decode()
    assert "Thời kỳ kiểm tra: 01/01/2026 – 30/04/2026" in page
    assert f"Đoàn kiểm tra: {cast.inspector.display_name}" in page


def test_a_finding_on_an_inspection_page_offers_no_unit_to_pick(cast, insp):
    """On the inspection's page the finding is the inspected unit's: the form offered a unit
    picker whose choice was silently dropped (a finding meant for another unit landed on
    this one); it offers none there, and keeps it on the stand-alone finding page."""
    isvc.record_inspection(
        insp, actor=cast.inspector, results={"C01": {"result": "FAIL"}, "C02": {"result": "PASS"}}
    )
    inspector = client_for(cast.inspector)
    url = f"/plans/kiem-tra/{insp.code}/"
    page = inspector.get(url).content.decode()
    form = page.split(f'action="{url}finding/"', 1)[1].split("</form>", 1)[0]
    assert 'name="description"' in form and 'name="agency"' not in form
    # refused (no description): the page again, still without a unit to pick
    r = inspector.post(f"{url}finding/", {"severity": "LOW", "agency": cast.agency_b.pk})
    assert r.status_code == 200 and not insp.findings.exists()
    form = r.content.decode().split(f'action="{url}finding/"', 1)[1].split("</form>", 1)[0]
    assert "id_description_error" in form and 'name="agency"' not in form
    assert 'name="agency"' in inspector.get("/plans/kiem-tra/phat-hien/moi/").content.decode()
