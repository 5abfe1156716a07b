"""A unit's overdue list, on its page and in its PDF report, shows the deadline in force:
an approved extension moved it, so the list gives the new date and says it was extended
(walk of §10: the list gave the original deadline, weeks before the one the unit works to)."""

import datetime as dt
import io

import pytest
from pypdf import PdfReader

from cchc.plans import reports, services
from cchc.testing import client_for

D = dt.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def extended(cast, assign, freezer):
    """Unit A's task due 01/03/2026, extended on 20/02 to 31/03, not done by 10/04."""
    freezer.move_to("2026-02-10")
    task = assign(title="Số hóa hồ sơ", deadline=D(2026, 3, 1))
    ext = services.request_extension(
        task, actor=cast.leader_a, new_deadline=D(2026, 3, 31), reason="Chờ thiết bị"
    )
    services.decide_extension(ext, actor=cast.province_admin, approve=True, on=D(2026, 2, 20))
    freezer.move_to("2026-04-10")
    return task


def test_the_overdue_list_gives_the_extended_deadline(cast, extended):
    report = reports.unit_report(cast.agency_a, year=2026)
    [row] = report["overdue"]
    assert row["deadline_in_force"] == D(2026, 3, 31) and row["extended"]
    # the chart counts it in the month it is due now, as its status is measured
    assert report["monthly"][2]["overdue"] == 1 and report["monthly"][1]["due"] == 0

    page = client_for(cast.leader_a).get(f"/plans/don-vi/{cast.agency_a.code}/?year=2026")
    html = page.content.decode()
    assert (
        f"{extended.title} — 31/03/2026 "
        '<small class="extended">(gia hạn từ 01/03/2026)</small></li>'
    ) in html


def test_the_unit_pdf_gives_the_extended_deadline(cast, extended):
    r = client_for(cast.leader_a).get(f"/plans/don-vi/{cast.agency_a.code}/bao-cao.pdf?year=2026")
    assert r.status_code == 200
    pages = PdfReader(io.BytesIO(r.content)).pages
    text = " ".join(" ".join(page.extract_text().split()) for page in pages)
    overdue = text.split(extended.code, 1)[1]
    assert "31/03/2026" in overdue and "(gia hạn từ 01/03/2026)" in overdue


def test_sub_tasks_are_listed_by_the_deadline_in_force(cast, assign, freezer):
    """The task page lists its sub-tasks by the dates it shows (the deadlines in force): an
    extended sub-task was listed at its original place, out of order with its own date."""
    freezer.move_to("2026-02-10")
    parent = assign(title="Cha", deadline=D(2026, 6, 30))
    moved = assign(title="Con A", deadline=D(2026, 3, 31), parent=parent)
    kept = assign(title="Con B", deadline=D(2026, 4, 30), parent=parent)
    ext = services.request_extension(
        moved, actor=cast.leader_a, new_deadline=D(2026, 5, 31), reason="Chờ thiết bị"
    )
    services.decide_extension(ext, actor=cast.province_admin, approve=True, on=D(2026, 2, 20))
    html = client_for(cast.leader_a).get(f"/plans/nhiem-vu/{parent.code}/").content.decode()
    assert html.index(f"{kept.code}</a> Con B — 30/04/2026") < html.index(
        f"{moved.code}</a> Con A — 31/05/2026"
    )
