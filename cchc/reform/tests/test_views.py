"""The pages: who sees what, the self-assessment sheet with an upload, appraisal, results,
exports and the public page."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cchc.core.actors import SYSTEM
from cchc.reform import criteria
from cchc.reform.models import Assessment, EvidenceFile, Score
from cchc.reform.tests.helpers import appraisal_team, build_template


@pytest.fixture
def setup(cast):  # type: ignore[no-untyped-def]
    t = build_template()
    chair = appraisal_team(t, cast.agency_b)
    return t, chair


@pytest.mark.django_db
def test_self_assessment_upload_submit_appraise_publish(client, cast, setup):
    t, chair = setup
    client.force_login(cast.specialist_b)
    r = client.get(reverse("reform:home"))
    assert r.status_code == 200 and "Mở" in r.content.decode() or t.name in r.content.decode()
    r = client.post(reverse("reform:assessment_open", args=[t.pk]), {"agency": cast.agency_b.pk})
    a = Assessment.objects.get()
    assert r.status_code == 302
    url = reverse("reform:assessment_action", args=[a.pk])
    r = client.post(url, {"action": "score", "node": "1.1.1", "score": "11"}, follow=True)
    assert (
        "10" in r.content.decode()
        and Score.objects.get(assessment=a, node__code="1.1.1").self_score is None
    )
    client.post(url, {"action": "score", "node": "1.1.1", "score": "9", "explanation": ""})
    client.post(url, {"action": "score", "node": "1.1.2", "score": "12", "explanation": "Tự tính"})
    upload = SimpleUploadedFile("kh.pdf", b"%PDF-1.4 plan", content_type="application/pdf")
    client.post(
        url,
        {
            "action": "evidence",
            "node": "1.1.1",
            "doc_number": "01/KH-STP",
            "issuer": "Sở Tư pháp",
            "doc_date": "2026-01-10",
            "file": upload,
        },
    )
    assert EvidenceFile.objects.count() == 1
    page = client.get(reverse("reform:assessment", args=[a.pk])).content.decode()
    assert "01/KH-STP" in page and "kh.pdf" in page
    # another unit cannot see it before publication
    client.force_login(cast.specialist_a)
    assert client.get(reverse("reform:assessment", args=[a.pk])).status_code == 403
    client.force_login(cast.leader_b)
    client.post(url, {"action": "submit"})
    a.refresh_from_db()
    assert a.status == "SUBMITTED"
    client.force_login(chair)
    r = client.post(
        url, {"action": "adjust", "node": "1.1.1", "score": "7", "comment": "Muộn"}, follow=True
    )
    assert Score.objects.get(assessment=a, node__code="1.1.1").appraised_score == 7
    # a valid adjustment or acceptance is confirmed, as every other action of the sheet is
    assert "Đã điều chỉnh điểm." in r.content.decode()
    r = client.post(url, {"action": "accept", "node": "1.1.2"}, follow=True)
    assert "Đã chấp nhận điểm." in r.content.decode()
    # 1.1.1 was adjusted without asking the unit: the chair confirms finalising without it
    client.post(url, {"action": "finalise", "without_answers": "1.1.1"})
    a.refresh_from_db()
    assert a.status == "FINAL"
    client.force_login(cast.province_admin)
    r = client.get(reverse("reform:ranking", args=[2026]))
    assert r.status_code == 200 and "Sở Tư pháp" in r.content.decode()
    assert client.get(reverse("reform:ranking", args=[2026]) + "?format=xlsx")[
        "Content-Type"
    ].startswith("application/vnd.openxmlformats")
    assert client.get(reverse("reform:ranking", args=[2026]) + "?format=pdf").content[:4] == b"%PDF"
    assert client.get(reverse("reform:assessment_export", args=[a.pk, "xlsx"])).status_code == 200
    r = client.get(reverse("reform:unit", args=[2026, "H26.01"]) + "?whatif=1&v_1.1.1=10")
    assert r.status_code == 200 and "whatif" in r.content.decode()
    client.post(reverse("reform:publish", args=[2026]), {"confirm_incomplete": "1"})
    client.logout()
    r = client.get(reverse("reform:public"))
    assert "Sở Tư pháp" in r.content.decode()


@pytest.mark.django_db
def test_home_affairs_pages(client, cast, setup):
    t, _ = setup
    client.force_login(cast.province_admin)
    for name, args in (
        ("reform:home", []),
        ("reform:template", [t.pk]),
        ("reform:progress", [t.pk]),
        ("reform:external", []),
    ):
        assert client.get(reverse(name, args=args)).status_code == 200, name
    r = client.post(
        reverse("reform:template_create"), {"code": "T-2027", "year": "2027", "copy_from": t.pk}
    )
    assert r.status_code == 302
    r = client.post(
        reverse("reform:external"),
        {"action": "target", "year": "2026", "index": "PAPI", "kind": "rank_change", "value": "+5"},
        follow=True,
    )
    assert "+5" in r.content.decode()
    client.force_login(cast.specialist_b)
    assert client.get(reverse("reform:progress", args=[t.pk])).status_code == 403
    assert (
        client.post(
            reverse("reform:template_action", args=[t.pk]), {"action": "publish"}
        ).status_code
        == 403
    )


@pytest.mark.django_db
def test_grade_bands_are_data_of_a_draft_template(client, cast):
    t = criteria.create_template(actor=SYSTEM, code="G", year=2026, name="G")
    client.force_login(cast.province_admin)
    url = reverse("reform:template_action", args=[t.pk])
    client.post(url, {"action": "settings", "name": "G", "grades": "Xuất sắc:95, Tốt:85, Khá:0"})
    t.refresh_from_db()
    assert t.grade_bands()[0] == {"grade": "Xuất sắc", "min": 95.0}
    r = client.post(url, {"action": "settings", "name": "G", "grades": "A:nine"}, follow=True)
    assert "A:90" in r.content.decode()


@pytest.mark.django_db
def test_inspectors_find_the_published_templates_and_their_progress_on_the_home_page(client, cast):
    published = build_template(code="PUB")
    draft = criteria.create_template(actor=SYSTEM, code="NHAP", year=2026, name="Nháp")
    client.force_login(cast.inspector)
    page = client.get(reverse("reform:home")).content.decode()
    assert reverse("reform:template", args=[published.pk]) in page
    assert reverse("reform:template", args=[draft.pk]) not in page
    assert client.get(reverse("reform:progress", args=[published.pk])).status_code == 200
    assert 'id="new-template"' not in page
    client.force_login(cast.specialist_a)
    assert 'id="templates"' not in client.get(reverse("reform:home")).content.decode()
