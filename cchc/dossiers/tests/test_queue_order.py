"""Each work queue lists the most pressing first, and the dossiers waiting for papers say
which have had them sent (one-stop day walk: the counter's 'Chờ bổ sung' tab listed a dossier
whose applicant had uploaded the supplement like any other, and 'Nộp trực tuyến, chờ tiếp
nhận' put the dossier submitted last on top, the one waiting longest at the bottom)."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cchc.core.calendar import LOCAL_TZ
from cchc.dossiers import services
from cchc.dossiers.services import Applicant
from cchc.dossiers.tests.factories import counter_dossier, online_dossier

from .test_online_supplement import PDF

pytestmark = pytest.mark.django_db


def _codes(html: str) -> list[str]:
    return re.findall(r'<td><a href="/staff/dossiers/([^/]+)/">', html)


def test_supplement_tab_puts_the_dossiers_whose_papers_came_first_and_marks_them(client, cast):
    waiting = []
    for n in range(3):
        d = counter_dossier(cast, Applicant(name=f"Người {n}", id_hash=str(n) * 64, id_last4="1"))
        waiting.append(services.request_supplement(d, actor=cast.clerk_a, reason="Thiếu giấy"))
    services.submit_supplement(
        waiting[1],
        actor=cast.citizen,
        applicant_proven=True,
        uploads=[SimpleUploadedFile("bo-sung.pdf", PDF)],
    )
    client.force_login(cast.clerk_a)
    html = client.get("/staff/?queue=supplement").content.decode()
    assert _codes(html)[0] == waiting[1].code
    assert html.count("supplement-sent") == 1
    assert "Đã gửi bổ sung, chờ nhận" in html
    # once taken in, the mark goes
    services.receive_supplement(waiting[1], actor=cast.clerk_a)
    assert "supplement-sent" not in client.get("/staff/?queue=supplement").content.decode()


def test_online_tab_lists_the_oldest_submission_first(client, cast):
    first = online_dossier(cast, "Người Nộp Trước")
    second = online_dossier(cast, "Người Nộp Sau")
    client.force_login(cast.clerk_a)
    codes = _codes(client.get("/staff/?queue=online").content.decode())
    assert codes.index(first.code) < codes.index(second.code)


def test_a_dossier_not_yet_received_shows_since_when_it_waits(client, cast):
    """No due time runs before reception: the column said nothing, so the counter could not
    tell a dossier sent an hour ago from one waiting since last week."""
    d = online_dossier(cast, "Người Chờ Tiếp Nhận")
    client.force_login(cast.clerk_a)
    html = client.get("/staff/?queue=online").content.decode()
    sent = d.submitted_at.astimezone(LOCAL_TZ).strftime("%H:%M %d/%m/%Y")
    assert f"nộp lúc {sent}, chưa tiếp nhận" in html
    # a refused dossier waits for nothing
    services.refuse(d, actor=cast.clerk_a, reason="Sai thủ tục")
    assert "chưa tiếp nhận" not in client.get("/staff/?queue=all").content.decode()
