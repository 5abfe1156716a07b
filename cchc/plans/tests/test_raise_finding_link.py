"""Issue 15 point 6: a finding raised straight from a dossier, a petition, an evaluation or an
index drill-down keeps the link. `plans:raise_finding` takes the kind and the code and fills
the source in; the dossier, petition and index drill-down pages link to it, for users who may
raise findings only."""

from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.template.loader import render_to_string
from django.urls import reverse

from cchc.dossiers.services import Applicant
from cchc.dossiers.tests.factories import counter_dossier
from cchc.plans.inspection_models import Finding, FindingEvent
from cchc.plans.tests.stories import returned_and_rated
from cchc.testing import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def dossier(cast):
    return counter_dossier(cast, Applicant(name="Nguyễn Văn An", phone="0912345678"))


def _raise_from(cast, kind, dossier, heading, severity, description):
    """Open the raise-finding form for `kind` of `dossier` as the inspector, check it arrives
    pre-filled with the source, post it, and check the finding and its raise event keep the
    link. Returns the answer and the finding."""
    url = reverse("plans:raise_finding", args=[kind, dossier.code])
    page = client_for(cast.inspector).get(url).content.decode()
    assert f"{heading} {dossier.code}" in page  # the heading names the source
    assert f'<option value="{kind}" selected>' in page
    assert f'value="{dossier.code}"' in page
    agency = dossier.competent_agency or dossier.receiving_agency
    assert f'<option value="{agency.pk}" selected>' in page
    r = client_for(cast.inspector).post(
        url,
        {
            "severity": severity,
            "description": description,
            "subject_kind": kind,
            "subject_ref": dossier.code,
            "agency": agency.pk,
        },
    )
    finding = Finding.objects.get()
    assert (finding.subject_kind, finding.subject_ref, finding.agency) == (
        kind,
        dossier.code,
        agency,
    )
    # the inspection's finding page links back to the source
    assert FindingEvent.objects.get(finding=finding, action="raise").data["subject"] == [
        kind,
        dossier.code,
    ]
    return r, finding


def test_form_comes_with_the_source_and_the_finding_keeps_the_link(cast, dossier):
    r, finding = _raise_from(
        cast,
        "dossier",
        dossier,
        "Hồ sơ",
        "MEDIUM",
        "Yêu cầu bổ sung giấy tờ không có trong quy định",
    )
    assert finding.corrective_task is not None
    assert r.status_code == 302 and r["Location"].endswith(f"{finding.corrective_task.code}/")


def test_refused_without_the_right_and_unknown_sources_are_not_found(cast, dossier):
    url = reverse("plans:raise_finding", args=["dossier", dossier.code])
    for user in (cast.leader_a, cast.clerk_a, cast.citizen):
        assert client_for(user).get(url).status_code == 403
        assert (
            client_for(user).post(url, {"severity": "LOW", "description": "x"}).status_code == 403
        )
    assert not Finding.objects.exists()
    inspector = client_for(cast.inspector)
    assert (
        inspector.get(reverse("plans:raise_finding", args=["hoso", dossier.code])).status_code
        == 404
    )
    assert (
        inspector.get(reverse("plans:raise_finding", args=["dossier", "KHONG-CO"])).status_code
        == 404
    )
    assert (
        inspector.get(reverse("plans:raise_finding", args=["petition", "KHONG-CO"])).status_code
        == 404
    )


def test_dossier_and_petition_pages_link_for_inspectors_only(cast, dossier):
    from cchc.feedback.tests.factories import file

    link = reverse("plans:raise_finding", args=["dossier", dossier.code])
    assert (
        link in client_for(cast.inspector).get(f"/staff/dossiers/{dossier.code}/").content.decode()
    )
    assert (
        link
        not in client_for(cast.clerk_a).get(f"/staff/dossiers/{dossier.code}/").content.decode()
    )

    petition = file(cast.agency_a)
    link = reverse("plans:raise_finding", args=["petition", petition.code])
    page = client_for(cast.inspector).get(f"/feedback/staff/{petition.code}/")
    assert page.status_code == 200 and link in page.content.decode()
    assert (
        link
        not in client_for(cast.clerk_a).get(f"/feedback/staff/{petition.code}/").content.decode()
    )
    r = client_for(cast.inspector).get(link)
    assert r.status_code == 200 and f'value="{petition.code}"' in r.content.decode()


def test_index_drill_down_link_carries_the_unit(cast):
    ctx = {"kind": "metric", "ref": "DOSSIER_ON_TIME", "agency": cast.agency_a.code}
    html = render_to_string("plans/_raise_finding_link.html", {**ctx, "user": cast.inspector})
    href = reverse("plans:raise_finding", args=["metric", "DOSSIER_ON_TIME"])
    assert f'href="{href}?agency={cast.agency_a.code}"' in html
    for user in (cast.leader_a, AnonymousUser()):
        html = render_to_string("plans/_raise_finding_link.html", {**ctx, "user": user})
        assert html.strip() == ""
    evidence = Path(settings.BASE_DIR, "cchc/indices/templates/indices/evidence.html").read_text()
    assert '{% include "plans/_raise_finding_link.html" with kind="metric"' in evidence


@pytest.fixture
def rated(cast):
    """A dossier returned to its applicant, who rated it badly (2/5) with a comment."""
    return returned_and_rated(cast, satisfaction=2, comment="Phải đi lại ba lần", score="0")


def test_evaluation_on_the_dossier_page_raises_a_finding_that_keeps_its_source(cast, rated):
    link = reverse("plans:raise_finding", args=["evaluation", rated.code])
    page = client_for(cast.inspector).get(f"/staff/dossiers/{rated.code}/").content.decode()
    assert 'id="evaluation"' in page and "Phải đi lại ba lần" in page and "2/5" in page
    assert link in page
    # the unit's staff see the rating, not the link (they may not raise findings)
    page = client_for(cast.clerk_a).get(f"/staff/dossiers/{rated.code}/").content.decode()
    assert "Phải đi lại ba lần" in page and link not in page

    r, _finding = _raise_from(
        cast,
        "evaluation",
        rated,
        "Đánh giá hồ sơ",
        "LOW",
        "Công dân phải đi lại nhiều lần để hoàn thiện hồ sơ",
    )
    assert r.status_code == 302


def test_no_evaluation_no_section_and_no_finding_from_it(cast, dossier):
    page = client_for(cast.inspector).get(f"/staff/dossiers/{dossier.code}/").content.decode()
    assert 'id="evaluation"' not in page
    assert reverse("plans:raise_finding", args=["evaluation", dossier.code]) not in page
    r = client_for(cast.inspector).get(
        reverse("plans:raise_finding", args=["evaluation", dossier.code])
    )
    assert r.status_code == 404
