"""A petition moved to the complaints and denunciations register: its words and its sender
stay with the restricted register. Before, every clerk and specialist of the agency still read
a denunciation in full on the petition's page, with the denouncer's name and phone, opened its
files, and saw its title in the queue and in the queue's spreadsheet."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from cchc.feedback import complaints, petitions
from cchc.feedback.models import PetitionAttachment, Topic

NAME, PHONE = "Trần Thị Bình", "0987654321"
TITLE = "Tố cáo cán bộ địa chính nhận tiền"
WORDS = "Ông cán bộ địa chính đòi 5 triệu đồng mới nhận hồ sơ."


def _denunciation(client, cast):  # type: ignore[no-untyped-def]
    paper = SimpleUploadedFile("bien-lai.pdf", b"%PDF-1.4 ...", content_type="application/pdf")
    resp = client.post(
        "/feedback/new/",
        {
            "topic": Topic.objects.get(code="TTHC-QUYDINH").pk,
            "title": TITLE,
            "description": WORDS,
            "petitioner_name": NAME,
            "petitioner_phone": PHONE,
            "agency": cast.agency_a.pk,
            "attachments": [paper],
        },
    )
    assert resp.status_code == 302
    p = PetitionAttachment.objects.select_related("petition").get().petition
    p = petitions.confirm_routing(p, actor=cast.clerk_a, category=p.category, agency=cast.agency_a)
    return p, complaints.reclassify_as_complaint(
        p, actor=cast.leader_a, kind="DENUNCIATION", subject="Nhận tiền của người nộp hồ sơ"
    )


@pytest.mark.django_db
def test_the_clerks_and_specialists_no_longer_read_a_moved_denunciation(client, cast):
    p, complaint = _denunciation(client, cast)
    detail = reverse("feedback:detail", args=[p.code])
    for user in (cast.clerk_a, cast.specialist_a):
        client.force_login(user)
        page = client.get(detail).content.decode()
        assert 'id="moved-to-complaints"' in page  # the record says where it went
        glance = page[page.index('id="at-a-glance"') :]
        assert "Hạn trả lời" not in glance[: glance.index("</p>")]  # no answer is due here
        for secret in (NAME, PHONE, TITLE, WORDS):
            assert secret not in page, (user, secret)
        assert complaint.code not in page  # no way into a register they may not open
        queue = client.get(reverse("feedback:queue"), {"tab": "closed"}).content.decode()
        assert p.code in queue and TITLE not in queue
        sheet = client.get(reverse("feedback:queue"), {"tab": "closed", "format": "xlsx"})
        cells = [c for row in load_workbook(io.BytesIO(sheet.content)).active.values for c in row]
        assert p.code in cells and TITLE not in cells
        for att in PetitionAttachment.objects.filter(petition=p):
            assert client.get(reverse("feedback:attachment", args=[att.pk])).status_code == 404

    # the leader, to whom the register is open, reads it all and reaches the case
    client.force_login(cast.leader_a)
    page = client.get(detail).content.decode()
    assert NAME in page and WORDS in page
    assert f'href="{reverse("feedback:complaint", args=[complaint.code])}"' in page
    for att in PetitionAttachment.objects.filter(petition=p):
        assert client.get(reverse("feedback:attachment", args=[att.pk])).status_code == 200


@pytest.mark.django_db
def test_the_queue_search_does_not_find_a_moved_denunciation_by_its_hidden_words(client, cast):
    """A match on the words tells what the denunciation says, even with the title hidden:
    typing the official's name or "5 triệu" listed the petition. Its code still finds it."""
    p, _ = _denunciation(client, cast)
    queue, row = reverse("feedback:queue"), f'href="{reverse("feedback:detail", args=[p.code])}"'
    for user in (cast.clerk_a, cast.specialist_a):
        client.force_login(user)
        for words in ("dia chinh", "5 triệu đồng", "Tố cáo"):
            page = client.get(queue, {"tab": "closed", "q": words}).content.decode()
            assert row not in page, (user, words)
        page = client.get(queue, {"tab": "closed", "q": p.code.lower()}).content.decode()
        assert row in page and "moved-title" in page

    # the leader, to whom the register is open, finds it by its words as before
    client.force_login(cast.leader_a)
    page = client.get(queue, {"tab": "closed", "q": "dia chinh"}).content.decode()
    assert row in page
