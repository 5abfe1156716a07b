"""A finding the re-inspection reopened is open again, and the inspection says so (walk of
§11: the inspection read "Đã kiểm tra lại", as if the re-inspection had settled it, while one
of its findings was reopened and the unit had to remedy it again)."""

import io

import pytest
from openpyxl import load_workbook

from cchc.plans import inspections as isvc
from cchc.plans.tests.stories import complete_corrective_task
from cchc.testing import client_for

pytestmark = pytest.mark.django_db

SAID = "Đã kiểm tra lại, 1 tồn tại mở lại"


def test_a_reopened_finding_keeps_the_inspection_open(cast, insp):
    isvc.record_inspection(
        insp, actor=cast.inspector, results={"C01": {"result": "FAIL"}, "C02": {"result": "FAIL"}}
    )
    remedied = isvc.raise_finding(
        actor=cast.inspector, inspection=insp, severity="LOW", description="Thiếu niêm yết"
    )
    reopened = isvc.raise_finding(
        actor=cast.inspector, inspection=insp, severity="MEDIUM", description="Sổ ghi thiếu"
    )
    isvc.conclude(insp, actor=cast.inspector, conclusion="Khắc phục trong 15 ngày")
    for f in (remedied, reopened):
        f.refresh_from_db()
        complete_corrective_task(
            f, actor=cast.leader_a, result="Đã khắc phục", evidence_link="https://example.vn/a"
        )
    isvc.reinspect_finding(remedied, actor=cast.inspector, closed=True)
    isvc.reinspect_finding(reopened, actor=cast.inspector, closed=False, note="Chưa đạt")

    inspector = client_for(cast.inspector)
    page = inspector.get(f"/plans/kiem-tra/{insp.code}/").content.decode()
    assert f'<span class="badge" id="inspection-status">{SAID}</span>' in page
    # the finding's own state says it is open again
    assert "Mở lại (chưa khắc phục)" in page
    listing = inspector.get("/plans/kiem-tra/").content.decode()
    assert f'<td data-label="Trạng thái">{SAID}</td>' in listing
    assert "2 (1 chưa khắc phục)" in listing
    sheet = load_workbook(io.BytesIO(inspector.get("/plans/kiem-tra.xlsx").content)).active
    rows = list(sheet.iter_rows(values_only=True))
    row = next(r for r in rows if r and r[0] == insp.code)
    status_at = next(r for r in rows if r and "Trạng thái" in r).index("Trạng thái")
    assert row[status_at] == SAID and row[status_at + 1 : status_at + 3] == (2, 1)

    # remedied again and closed at the next re-inspection: re-inspected, nothing left open
    reopened.refresh_from_db()
    complete_corrective_task(
        reopened, actor=cast.leader_a, result="Đã ghi đủ", evidence_link="https://example.vn/b"
    )
    isvc.reinspect_finding(reopened, actor=cast.inspector, closed=True)
    page = inspector.get(f"/plans/kiem-tra/{insp.code}/").content.decode()
    assert '<span class="badge" id="inspection-status">Đã kiểm tra lại</span>' in page
