"""Who may open a unit's scoring sheet and its evidence once the year is published (walk of
the PAR INDEX year): the staff of every unit, never a citizen."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cchc.core.actors import SYSTEM
from cchc.reform import appraisal, assessments, publishing
from cchc.reform.models import EvidenceFile
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
