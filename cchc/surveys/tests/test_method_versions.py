"""Method versions have an effective date: the index of a campaign is computed by the version
of its method's family in force when the campaign's period ends (domain.md §6), whatever
version its questionnaire was built from."""

import datetime as dt

import pytest

from cchc.surveys import services
from cchc.surveys.methods import method_in_force, period_end
from cchc.surveys.models import Item, Method
from cchc.surveys.results import campaign_method, campaign_results
from cchc.surveys.tests.conftest import enter_phone_responses, open_campaign

pytestmark = pytest.mark.django_db


@pytest.fixture
def stricter(method):
    """A later national version of the same family, in force from 2026-01-01: only "very
    satisfied" counts as satisfied (its own copy of the item bank)."""
    later = Method.objects.create(
        code="sipas-2026",
        name="SIPAS 2026",
        family=method.family,
        effective_from=dt.date(2026, 1, 1),
        rules={**method.rules, "satisfied_answers": [5]},
        structure=method.structure,
    )
    for item in method.items.all():
        item.pk = None
        item.method = later
        item.save()
    return later


def campaign_of(cast, questionnaire, code, year):
    campaign = open_campaign(
        questionnaire,
        [cast.agency_a],
        actor=cast.province_admin,
        code=code,
        name=f"SIPAS {year}",
        year=year,
    )
    # half "very satisfied", half "satisfied"
    enter_phone_responses(
        campaign, questionnaire.method, (5, 5, 4, 4), agency=cast.agency_a, actor=cast.clerk_a
    )
    return campaign


def test_the_seeded_versions_carry_their_family_and_date(method):
    assert method.family == "sipas" and method.effective_from == dt.date(2023, 12, 11)
    evaluation = Method.objects.get(code="danh-gia-ho-so")
    assert evaluation.family == "danh-gia-ho-so" and evaluation.effective_from is None


def test_the_version_in_force_is_chosen_by_date(method, stricter):
    assert method_in_force(method, dt.date(2025, 12, 31)) == method
    assert method_in_force(method, dt.date(2026, 1, 1)) == stricter
    assert method_in_force(stricter, dt.date(2025, 6, 30)) == method
    # before the family's first date the campaign's own method stays (nothing else in force)
    assert method_in_force(method, dt.date(2020, 1, 1)) == method
    # an unpublished version is not in force; another province's family member neither
    stricter.published = False
    stricter.save()
    assert method_in_force(method, dt.date(2026, 6, 1)) == method
    assert period_end("2026", dt.date(2000, 1, 1)) == dt.date(2026, 12, 31)
    assert period_end("2026-Q1", dt.date(2000, 1, 1)) == dt.date(2026, 3, 31)
    assert period_end("đợt 1", dt.date(2026, 5, 31)) == dt.date(2026, 5, 31)


def test_two_campaigns_of_one_questionnaire_are_scored_by_their_version(
    cast, method, questionnaire, stricter
):
    # both campaigns use the questionnaire built from sipas-2023
    before = campaign_of(cast, questionnaire, "KS-2025", 2025)
    after = campaign_of(cast, questionnaire, "KS-2026", 2026)
    assert campaign_method(before) == method and campaign_method(after) == stricter

    old = campaign_results(before)
    new = campaign_results(after)
    assert old["version"] == "sipas-2023" and new["version"] == "sipas-2026"
    (unit_old,) = old["agencies"]
    (unit_new,) = new["agencies"]
    # 4 and 5 satisfied under sipas-2023; only 5 under sipas-2026
    assert unit_old["total"] == 100.0
    assert unit_new["total"] == 50.0
    assert unit_new["groups"]["SERVICE"]["components"]["A"]["items"]["A1"] == {
        "numerator": 2,
        "denominator": 4,
        "score": 50.0,
    }
    # publication freezes the figures of the version in force, and names it
    services.close_campaign(after, actor=cast.province_admin)
    published = services.publish_results(after, actor=cast.province_admin)
    frozen = published.published_results
    assert frozen is not None and frozen["version"] == "sipas-2026"
    assert frozen["agencies"][0]["total"] == 50.0


def test_a_version_scoring_other_items_reads_the_answers(cast, method, questionnaire, stricter):
    """The responses' scored text is written in the order of the version they were answered
    under; a version in force with another set of scored items is computed from the answers
    themselves (an item the questionnaire did not ask is simply unanswered)."""
    Item.objects.filter(method=stricter, code="A1").update(kind=Item.Kind.PERCEPTION)
    Item.objects.filter(method=stricter, code="Q2").update(kind=Item.Kind.SATISFACTION)
    campaign = campaign_of(cast, questionnaire, "KS-2026", 2026)
    (unit,) = campaign_results(campaign)["agencies"]
    items = unit["groups"]["SERVICE"]["components"]["A"]["items"]
    assert "A1" not in items
    assert unit["total"] == 50.0


def test_the_dossier_evaluation_criteria_follow_the_version_in_force():
    from cchc.surveys.methods import evaluation_criteria

    base = Method.objects.get(code="danh-gia-ho-so")
    before = evaluation_criteria(dt.date(2026, 6, 30))
    later = Method.objects.create(
        code="danh-gia-ho-so-2026-07",
        name="Đánh giá hồ sơ (từ 01/7/2026)",
        family=base.family,
        effective_from=dt.date(2026, 7, 1),
        rules=base.rules,
        structure=base.structure,
    )
    for item in base.items.order_by("order", "pk")[:3]:
        item.pk = None
        item.method = later
        item.save()
    assert evaluation_criteria(dt.date(2026, 6, 30)) == before
    after = evaluation_criteria(dt.date(2026, 7, 1))
    assert after == before[:3] and len(before) > 3
