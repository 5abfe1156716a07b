"""What a clerk saw printing the forms of a dossier taken through its states (walk H5): who
hands what to whom on the control slip, the header of a department's form, dates written as
the appendix writes them, and page numbers on a log book of many pages."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.urls import reverse
from pypdf import PdfReader
from reportlab.platypus.flowables import HRFlowable

from cchc.agencies.models import AdministrativeUnit
from cchc.core.calendar import LOCAL_TZ
from cchc.dossiers import services
from cchc.dossiers.services import Applicant
from cchc.dossiers.tests.factories import counter_dossier
from cchc.paperwork import builders, pdf
from cchc.paperwork.tests.test_pdf_forms import NEEDS_FONT, flat, text_of

pytestmark = [
    pytest.mark.django_db,
    NEEDS_FONT,  # skipped without Debian's font outside CI, with the package to install
]

APPLICANT = Applicant(name="Nguyễn Thị Ngọc Ánh", id_last4="2345", phone="0912345678")


def at(d, hh=9, mm=0):
    return dt.datetime(2026, 3, d, hh, mm, tzinfo=LOCAL_TZ)


def rows_of_06(dossier) -> list[str]:
    """The rows of form 06's table, each flattened to one line ("1. Giao: … Nhận: …")."""
    text = flat(text_of(builders.dossier_form(dossier, "06")))
    return [m.strip() for m in re.split(r"(?=\b\d+\. Giao: )", text)[1:]]


def test_form_06_says_the_applicant_hands_in_and_receives_and_the_result_goes_back(cast):
    """The slip printed "Giao: clerk (UBND …) Nhận: UBND …" for the reception, "Nhận: Sở Tư
    pháp" for the result the Sở itself had just finished, and "Nhận: UBND …" for the result
    returned to the citizen: every hand-over but the transfer said the agency gave the dossier
    to itself."""
    d = counter_dossier(cast, APPLICANT, at=at(2, 9), competent_agency=cast.agency_b)
    d = services.transfer(
        d, actor=cast.clerk_a, to_agency=cast.agency_b, step_name="Thẩm định", at=at(2, 10)
    )
    d = services.request_supplement(
        d, actor=cast.specialist_b, reason="Bản sao căn cước có chứng thực", at=at(3, 9)
    )
    d = services.receive_supplement(d, actor=cast.clerk_b, at=at(4, 9))
    d = services.finish(d, actor=cast.specialist_b, note="Đã cấp phiếu", at=at(5, 9))
    d = services.return_result(d, actor=cast.clerk_a, at=at(5, 14))
    applicant = "Nguyễn Thị Ngọc Ánh (người nộp hồ sơ)"
    clerk_a = f"{flat(cast.clerk_a.display_name)} ({cast.agency_a.name})"
    rows = {r.split("Nhận:")[0]: r for r in rows_of_06(d)}
    by_action = {
        "receive": next(r for r in rows.values() if "Tiếp nhận hồ sơ" in r),
        "supplement": next(r for r in rows.values() if "Yêu cầu bổ sung" in r),
        "finish": next(r for r in rows.values() if "Đã cấp phiếu" in r),
        "return": next(r for r in rows.values() if "Đã trả kết quả" in r),
    }
    assert by_action["receive"].startswith(f"1. Giao: {applicant} Nhận: {clerk_a}")
    assert f"Nhận: {applicant}" in by_action["supplement"]
    assert f"Nhận: {cast.agency_a.name}" in by_action["finish"]
    assert f"Nhận: {cast.agency_b.name}" not in by_action["finish"]
    assert f"Giao: {clerk_a} Nhận: {applicant}" in by_action["return"]


def test_a_department_form_is_headed_by_the_provincial_committee(cast):
    """Form 04 of Sở Tư pháp was headed "SỞ TƯ PHÁP" alone; a department's document carries
    the provincial People's Committee above its name. A commune's own committee does not."""
    AdministrativeUnit.objects.update_or_create(
        level="PROVINCE", code="01", defaults={"name": "Thành phố Hà Nội", "province_code": "01"}
    )
    d = counter_dossier(cast, APPLICANT, at=at(2, 9), competent_agency=cast.agency_b)
    d = services.transfer(
        d, actor=cast.clerk_a, to_agency=cast.agency_b, step_name="Thẩm định", at=at(2, 10)
    )
    d = services.apologize(
        d, actor=cast.leader_b, reason="Cần xác minh", new_appointment_at=at(12, 9), at=at(4, 9)
    )
    t4 = flat(text_of(builders.dossier_form(d, "04")))
    assert "UBND THÀNH PHỐ HÀ NỘI SỞ TƯ PHÁP" in t4
    t1 = flat(text_of(builders.dossier_form(d, "01")))
    assert "UBND THÀNH PHỐ HÀ NỘI" not in t1 and "UBND PHƯỜNG HOÀN KIẾM" in t1


def test_times_on_the_forms_are_written_in_words_like_the_header_date(cast):
    """The receipt printed "17 giờ 00 phút, ngày 18/12/2026" where the appendix writes
    "…giờ…phút, ngày…tháng…năm…", as the header's "ngày 05 tháng 12 năm 2026" does."""
    d = counter_dossier(cast, APPLICANT, at=at(2, 9, 5))
    t1 = flat(text_of(builders.dossier_form(d, "01")))
    assert "4. Thời gian nhận hồ sơ: 09 giờ 05 phút, ngày 02 tháng 03 năm 2026" in t1
    assert "ngày 02/03/2026" not in t1


def pages(content: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(content)).pages]


def test_a_log_book_of_several_pages_numbers_them(client, cast):
    """A 69-page log book came out with no page numbers: printed and stapled, a missing or
    shuffled page could not be seen. Each page now says "Trang n/N"; a one-page form does
    not."""
    for day in range(2, 7):
        for hour in (8, 9, 10, 13, 14, 15):
            counter_dossier(cast, APPLICANT, at=at(day, hour))
    client.force_login(cast.clerk_a)
    response = client.get(
        reverse("paperwork:logbook"),
        {"agency": cast.agency_a.code, "start": "2026-03-01", "end": "2026-03-31"},
    )
    assert response["Content-Type"] == "application/pdf"
    texts = pages(response.content)
    assert len(texts) > 1
    for n, text in enumerate(texts, 1):
        assert f"Trang {n}/{len(texts)}" in text
    receipt = pages(builders.dossier_form(cast_dossier := counter_dossier(cast, APPLICANT), "01"))
    assert len(receipt) == 1 and "Trang" not in receipt[0], cast_dossier.code


def test_the_rules_under_agency_and_motto_stand_centred_beneath_them(monkeypatch):
    """The short rule under "Độc lập - Tự do - Hạnh phúc" stood at the left edge of its
    column, off the motto's centre, on every form; the agency's name had none."""
    drawn: list[float] = []  # the centre of each rule, from the header table's left edge
    original = HRFlowable.drawOn

    def spy(self, canvas, x, y, _sW=0):  # type: ignore[no-untyped-def]
        drawn.append(x + self._width / 2)
        return original(self, canvas, x, y, _sW)

    monkeypatch.setattr(HRFlowable, "drawOn", spy)
    pdf.render(pdf.Document(form_key="06", form_set=pdf.DEFAULT_FORM_SET, agency_name="Sở Tư pháp"))
    width = pdf.A4[0] - 35 * pdf.mm
    left_centre, right_centre = width * 0.21, width * (0.42 + 0.29)
    assert len(drawn) == 2
    assert abs(drawn[0] - left_centre) < 1 and abs(drawn[1] - right_centre) < 1, drawn
