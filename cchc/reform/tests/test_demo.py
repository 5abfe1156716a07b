"""The generated demo year imports through the bundle and publishes."""

from __future__ import annotations

import pytest

from cchc.reform import results
from cchc.reform.demo import template_rows
from cchc.reform.models import ResultSet, Template


def test_generated_template_adds_up():
    rows = template_rows("X")
    fields = [r for r in rows if r[3] == "field"]
    assert sum(float(r[5]) for r in fields) == pytest.approx(100)
    for parent in {r[2] for r in rows if r[2]}:
        kids = [r for r in rows if r[2] == parent and r[6] not in ("bonus", "penalty")]
        own = next(r for r in rows if r[1] == parent)
        if kids:
            assert round(sum(float(k[5]) for k in kids), 2) == float(own[5])


@pytest.mark.django_db
def test_seed_leaves_a_published_and_an_open_year(cast):
    from django.utils import timezone

    from cchc.reform.demo import seed

    seed()
    year = timezone.localdate().year
    assert ResultSet.objects.filter(year=year - 1, current=True).exists()
    assert Template.objects.get(code=f"PAR-{year}").is_published
    # the deadline is the end of a local day, not the instant the demo was seeded
    deadline = timezone.localtime(Template.objects.get(code=f"PAR-{year}").deadline)
    assert (deadline.hour, deadline.minute) == (23, 59)
    doc = results.index_document(str(year - 1), province_code="01")
    assert doc["frozen"] and len(doc["agencies"]) == 3
    assert all(70 < r["total"] < 101 for r in doc["agencies"])


@pytest.mark.django_db
def test_seed_leaves_a_sheet_in_the_answer_round(cast):
    """The demo walks the whole cycle, the unit's answers to the appraisal's adjustments
    included: Ba Đình's sheet of the open year stands in that round, with the adjusted items
    (each with its reason), the unit's window open, and nothing answered yet; the other
    unit is still self-assessing."""
    from django.utils import timezone

    from cchc.accounts.models import Membership, User
    from cchc.reform import appraisal
    from cchc.reform.demo import DEMO_ADJUSTMENTS, seed
    from cchc.reform.models import Assessment, AssessmentStatus
    from cchc.testing import UserFactory, member

    R = Membership.Role
    member("chuyenvien.badinh", cast.agency_a, R.SPECIALIST)
    member("lanhdao.badinh", cast.agency_a, R.LEADER)
    member("chuyenvien.tuphap", cast.agency_b, R.SPECIALIST)
    UserFactory(username="sonoivu", kind=User.Kind.PROVINCE_ADMIN)
    UserFactory(username="thanhtra", kind=User.Kind.INSPECTOR)

    seed()
    year = timezone.localdate().year
    sheet = Assessment.objects.get(template__code=f"PAR-{year}", agency=cast.agency_a)
    assert sheet.status == AssessmentStatus.EXPLANATION
    assert appraisal.answers_awaited_until(sheet) is not None
    adjusted = appraisal.adjusted_items(sheet)
    assert [row.node.code for row in adjusted] == [code for code, _reason in DEMO_ADJUSTMENTS]
    assert all(row.appraisal_comment and not row.unit_response for row in adjusted)
    # every other self-assessed item was appraised (accepted), so the chair has only the
    # unit's answers to wait for
    assert not sheet.scores.filter(node__method="self", appraised_score__isnull=True).exists()
    other = Assessment.objects.get(template__code=f"PAR-{year}", agency=cast.agency_b)
    assert other.status == AssessmentStatus.DRAFT
