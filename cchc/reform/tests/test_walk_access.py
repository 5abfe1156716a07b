"""Who may open a unit's scoring sheet and its evidence once the year is published (walk of
the PAR INDEX year): the staff of every unit, never a citizen."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cchc.core.actors import SYSTEM
from cchc.reform import appraisal, assessments, publishing
from cchc.reform.models import EvidenceFile, Template
from cchc.reform.tests.helpers import appraisal_team, build_template


def _final_published(cast):  # type: ignore[no-untyped-def]
    t = build_template()
    chair = appraisal_team(t, cast.agency_b)
    a = assessments.open_assessment(t, cast.agency_b, actor=cast.specialist_b)
    assessments.set_self_score(a, "1.1.1", actor=cast.specialist_b, score="8")
    assessments.set_self_score(
        a, "1.1.2", actor=cast.specialist_b, score="10", explanation="Tự tính"
    )
    assessments.add_evidence(
        a,
        "1.1.1",
        actor=cast.specialist_b,
        doc_number="01/KH-STP",
        issuer="Sở Tư pháp",
        doc_date=dt.date(2026, 1, 10),
        upload=SimpleUploadedFile("kh.pdf", b"%PDF-1.4 plan", content_type="application/pdf"),
    )
    assessments.submit(a, actor=cast.leader_b)
    appraisal.finalise(a, actor=chair)
    publishing.publish_results(2026, actor=SYSTEM, confirm_incomplete=True)
    return a


@pytest.mark.django_db
def test_a_citizen_never_opens_a_units_sheet_or_evidence_even_after_publication(client, cast):
    a = _final_published(cast)
    ef = EvidenceFile.objects.get()
    urls = [
        reverse("reform:assessment", args=[a.pk]),
        reverse("reform:assessment_export", args=[a.pk, "xlsx"]),
        reverse("reform:file", args=[ef.pk]),
    ]
    client.force_login(cast.citizen)
    # the citizen may not read the year's results page either
    assert client.get(reverse("reform:ranking", args=[2026])).status_code == 403
    for url in urls:
        assert client.get(url).status_code == 403, url
    # the staff of another unit may, once the year is published
    client.force_login(cast.specialist_a)
    for url in urls:
        assert client.get(url).status_code == 200, url


@pytest.mark.django_db
def test_a_refused_new_template_is_shown_again_as_typed(client, cast):
    build_template(code="PAR-2026")
    client.force_login(cast.province_admin)
    r = client.post(
        reverse("reform:template_create"),
        {"code": "PAR-2026", "year": "2027", "name": "Bộ chỉ số CCHC năm 2027 của tỉnh"},
    )
    # not sent back to an empty form: the form is open again with what was typed
    assert r.status_code == 200
    page = r.content.decode()
    assert "Bộ chỉ số CCHC năm 2027 của tỉnh" in page
    assert 'value="2027"' in page
    assert "<details open>" in page
    assert "Đã có bộ chỉ số mã PAR-2026." in page
    # an invalid year likewise keeps the rest
    r = client.post(
        reverse("reform:template_create"),
        {"code": "PAR-2027", "year": "hai nghìn", "name": "Bộ chỉ số CCHC năm 2027 của tỉnh"},
    )
    assert r.status_code == 200 and 'value="PAR-2027"' in r.content.decode()


@pytest.mark.django_db
def test_a_copy_for_next_year_is_named_for_next_year(client, cast):
    source = build_template(code="PAR-2026")
    source.name = "Bộ chỉ số CCHC năm 2026"
    source.save(update_fields=["name"])
    client.force_login(cast.province_admin)
    r = client.post(
        reverse("reform:template_create"),
        {"code": "PAR-2027", "year": "2027", "name": "", "copy_from": source.pk},
    )
    assert r.status_code == 302
    assert Template.objects.get(code="PAR-2027").name == "Bộ chỉ số CCHC năm 2027"


@pytest.mark.django_db
def test_home_affairs_returns_a_submitted_sheet_to_the_unit_from_the_sheet(client, cast):
    t = build_template()
    a = assessments.open_assessment(t, cast.agency_b, actor=cast.specialist_b)
    assessments.set_self_score(a, "1.1.1", actor=cast.specialist_b, score="8", explanation="Có")
    assessments.set_self_score(a, "1.1.2", actor=cast.specialist_b, score="10", explanation="Có")
    assessments.submit(a, actor=cast.leader_b)
    url = reverse("reform:assessment", args=[a.pk])
    # the unit does not get the form; Home Affairs does, while appraisal has not started
    client.force_login(cast.leader_b)
    assert 'id="reopen-form"' not in client.get(url).content.decode()
    client.force_login(cast.province_admin)
    assert 'id="reopen-form"' in client.get(url).content.decode()
    r = client.post(
        reverse("reform:assessment_action", args=[a.pk]),
        {"action": "reopen", "reason": "Lãnh đạo đơn vị đề nghị trả lại để bổ sung"},
        follow=True,
    )
    a.refresh_from_db()
    assert a.status == "DRAFT"
    page = r.content.decode()
    assert "Đã trả bản tự đánh giá cho đơn vị." in page
    assert "Lãnh đạo đơn vị đề nghị trả lại để bổ sung" in page  # in the history
    assert 'id="reopen-form"' not in page
