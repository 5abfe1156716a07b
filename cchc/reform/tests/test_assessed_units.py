"""Who is assessed under a year's PAR template (`cchc.reform.subjects`): the units valid at
the end of the year, in a ranking group the template names (any group when it names none),
of its unit type. The progress page, the publication's "unfinished" count and the ranking
list the same units; an abolished district, a central agency and a unit outside every
ranking group never appear, and cannot open a self-assessment."""

from __future__ import annotations

import datetime as dt
import html

import pytest
from django.urls import reverse

from cchc.core.actors import SYSTEM
from cchc.core.errors import ValidationFailed
from cchc.reform import assessments, criteria, results
from cchc.reform.models import Assessment, AssessmentStatus
from cchc.reform.tests.helpers import build_template, submitted
from cchc.testing import AgencyFactory, GroupFactory

OUTSIDERS = ("UBND huyện Sóc Sơn (cũ)", "Công an Thành phố Hà Nội", "Thanh tra Thành phố")


@pytest.fixture
def outsiders(cast):  # type: ignore[no-untyped-def]
    """An abolished district (in a group the template names, but closed in 2025), a central
    agency (in its own ranking group) and the inspectorate (in no ranking group)."""
    return {
        "abolished": AgencyFactory(
            code="H26.DS",
            name="UBND huyện Sóc Sơn (cũ)",
            level="COMMUNE",
            group=GroupFactory(name="Xã, phường"),
            valid_from=dt.date(2008, 8, 1),
            valid_to=dt.date(2025, 6, 30),
        ),
        "central": AgencyFactory(
            code="H26.18",
            name="Công an Thành phố Hà Nội",
            level="CENTRAL_AGENCY",
            group=GroupFactory(name="Cơ quan ngành dọc"),
        ),
        "ungrouped": AgencyFactory(code="H26.17", name="Thanh tra Thành phố", group=None),
    }


def _template_of_groups(*names: str):  # type: ignore[no-untyped-def]
    t = build_template(publish=False)
    criteria.update_template(t, actor=SYSTEM, groups=[GroupFactory(name=n) for n in names])
    return criteria.publish_template(t, actor=SYSTEM)


@pytest.mark.django_db
def test_progress_readiness_and_ranking_hold_only_the_units_assessed(client, cast, outsiders):
    t = _template_of_groups("Sở, ban, ngành", "Xã, phường")
    submitted(cast, t)
    # an assessment of the central agency made before (e.g. an earlier import): not counted
    Assessment.objects.create(
        template=t, agency=outsiders["central"], status=AssessmentStatus.SUBMITTED
    )
    client.force_login(cast.province_admin)
    text = html.unescape(client.get(reverse("reform:progress", args=[t.pk])).content.decode())
    assert "H26.02 Sở Xây dựng" in text and "H26.100 UBND phường Hoàn Kiếm" in text
    for name in OUTSIDERS:
        assert name not in text
    assert results.readiness(2026, "01") == {
        "final": 0,
        "appraising": 1,  # H26.01
        "draft": 0,
        "not_started": 2,  # H26.02, H26.100
        "unfinished": 3,
    }
    ranking = html.unescape(client.get(reverse("reform:ranking", args=[2026])).content.decode())
    assert "3 đơn vị chưa hoàn thành" in ranking
    assert [r["code"] for r in results.compute_year(2026, "01")["agencies"]] == ["H26.01"]
    for agency in outsiders.values():
        with pytest.raises(ValidationFailed):
            assessments.open_assessment(t, agency, actor=SYSTEM)


@pytest.mark.django_db
def test_a_template_naming_no_group_assesses_the_valid_units_of_every_group(cast, outsiders):
    build_template()
    counts = results.readiness(2026, "01")
    # H26.01, H26.02, H26.100 and the central agency (its group is ranked); not the abolished
    # district nor the unit outside every ranking group
    assert counts["not_started"] == 4
