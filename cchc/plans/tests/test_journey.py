"""Issue 15 point 7, the closed loop on one page per unit (`plans:unit_journey`): what
citizens reported or rated badly → what inspectors found → what was assigned → what was done
(the corrective task's result and evidence, the finding closed at re-inspection) → what the
unit's Decision 766 figures show per quarter since. Seen by the unit's own staff, Home
Affairs and inspectors; other units are refused."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from cchc.dossiers.models import Evaluation
from cchc.feedback.tests.factories import file
from cchc.plans import inspections as isvc
from cchc.plans import services
from cchc.plans.tests.stories import at, returned_and_rated
from cchc.testing import client_for

pytestmark = pytest.mark.django_db
D = dt.date
CLOSED_LABEL = "Đã khắc phục (kiểm tra lại)"


def _rated(cast, satisfaction, comment):
    d = returned_and_rated(cast, satisfaction=satisfaction, comment=comment)
    # the rating's time is the clock's; the story is set in 2026
    Evaluation.objects.filter(dossier=d).update(created_at=at(4, 8))
    return d


@pytest.fixture
def loop(cast):
    """Unit A's 2026: a petition and a 1/5 rating (a 5/5 one too, not a low rating); a finding
    raised from the rating, its corrective task done with evidence and the finding closed at
    re-inspection; a second finding still open. Unit B has a finding of its own."""
    petition = file(cast.agency_a, title="Cán bộ hẹn lại nhiều lần")
    bad = _rated(cast, 1, "Phải đi lại ba lần mới xong")
    good = _rated(cast, 5, "Rất hài lòng")
    agency = bad.competent_agency or bad.receiving_agency
    closed = isvc.raise_finding(
        actor=cast.inspector,
        agency=agency,
        severity="MEDIUM",
        description="Yêu cầu công dân đi lại nhiều lần",
        subject_kind="evaluation",
        subject_ref=bad.code,
        found_on=D(2026, 4, 2),
    )
    task = closed.corrective_task
    assert task is not None  # a finding raised outside an inspection is assigned at once
    services.complete(
        task,
        actor=cast.leader_a,
        result="Đã niêm yết danh mục giấy tờ tại quầy",
        evidence_link="https://example.vn/bien-ban-khac-phuc.pdf",
    )
    isvc.reinspect_finding(closed, actor=cast.inspector, closed=True, note="Đã khắc phục")
    still_open = isvc.raise_finding(
        actor=cast.inspector,
        agency=agency,
        severity="LOW",
        description="Sổ theo dõi hồ sơ ghi thiếu ngày trả",
        found_on=D(2026, 5, 6),
    )
    other = isvc.raise_finding(
        actor=cast.inspector,
        agency=cast.agency_b,
        severity="LOW",
        description="Việc của đơn vị khác",
        found_on=D(2026, 5, 6),
    )
    return {
        "agency": agency,
        "petition": petition,
        "bad": bad,
        "good": good,
        "closed": closed,
        "open": still_open,
        "other": other,
    }


def url(agency):
    return reverse("plans:unit_journey", args=[agency.code]) + "?year=2026"


def test_the_page_tells_the_unit_s_journey_step_by_step(cast, loop):
    agency = loop["agency"]
    page = client_for(cast.province_admin).get(url(agency))
    assert page.status_code == 200
    html = page.content.decode()
    # 1. what citizens reported or rated badly (the 5/5 rating is not a low one)
    assert loop["petition"].code in html and "Cán bộ hẹn lại nhiều lần" in html
    assert loop["bad"].code in html and "Phải đi lại ba lần mới xong" in html
    assert loop["good"].code not in html and "Rất hài lòng" not in html
    assert j_counts(page) == {
        "petitions": 1,
        "low_ratings": 1,
        "findings": 2,
        "findings_closed": 1,
        "corrective_tasks": 2,
        "corrective_done": 1,
    }
    # 2. what inspectors found, linked to what it is about
    closed, still_open = loop["closed"], loop["open"]
    assert closed.code in html and still_open.code in html and loop["other"].code not in html
    assert f"Đánh giá hồ sơ {loop['bad'].code}" in html
    # 3. what was assigned
    assert reverse("plans:task", args=[closed.corrective_task.code]) in html
    assert reverse("plans:task", args=[still_open.corrective_task.code]) in html
    # 4. what was done: the result, its evidence, and the finding closed at re-inspection
    assert "Đã niêm yết danh mục giấy tờ tại quầy" in html
    assert 'href="https://example.vn/bien-ban-khac-phuc.pdf"' in html
    assert html.count(CLOSED_LABEL) == 1  # the closed one; the other is still open
    # 5. the index since: loaded apart, on the same page
    assert reverse("plans:unit_index", args=[agency.code]) in html
    # from a low rating on the page, an inspector raises a finding straight away; the
    # unit's own staff see the rating but not that link
    raise_link = reverse("plans:raise_finding", args=["evaluation", loop["bad"].code])
    assert raise_link in client_for(cast.inspector).get(url(agency)).content.decode()
    unit_html = client_for(cast.leader_a).get(url(agency)).content.decode()
    assert loop["bad"].code in unit_html and raise_link not in unit_html


def j_counts(response):
    j = response.context["j"]
    return {
        k: j[k]
        for k in (
            "petitions",
            "low_ratings",
            "findings",
            "findings_closed",
            "corrective_tasks",
            "corrective_done",
        )
    }


def test_the_unit_s_staff_home_affairs_and_inspectors_see_it_other_units_do_not(cast, loop):
    agency = loop["agency"]
    index = reverse("plans:unit_index", args=[agency.code]) + "?year=2026"
    for user in (cast.clerk_a, cast.leader_a, cast.province_admin, cast.inspector):
        assert client_for(user).get(url(agency)).status_code == 200, user
        assert client_for(user).get(index).status_code == 200, user
    for user in (cast.clerk_b, cast.outsider):  # staff of other units
        assert client_for(user).get(url(agency)).status_code == 403, user
        assert client_for(user).get(index).status_code == 403, user
    assert Client().get(url(agency)).status_code == 302  # to sign in
    assert (
        client_for(cast.province_admin)
        .get(url(cast.agency_b))
        .content.decode()
        .count(loop["petition"].code)
        == 0
    )  # each unit its own journey
    unknown = reverse("plans:unit_journey", args=["KHONG-CO"])
    assert client_for(cast.province_admin).get(unknown).status_code == 404


def test_the_index_since_shows_the_unit_s_766_figures_per_quarter(cast, settings):
    """Read through the indices' measures API (settings.PLATFORM_MEASURES replaces one
    here): one row per measure, one column per quarter up to today, the value linked to
    its evidence when there is one, a dash when a quarter has no figure."""
    from cchc.plans import journey

    settings.PLATFORM_MEASURES = {
        **settings.PLATFORM_MEASURES,
        "dossiers_on_time": "cchc.plans.tests.fake_measure.fake",
    }
    rows = journey.index_since(cast.agency_a, year=2026, today=D(2026, 8, 20))
    assert [r["name"] for r in rows] == list(journey.INDEX_MEASURES)
    on_time = rows[0]
    assert [c["period"] for c in on_time["periods"]] == ["2026-Q1", "2026-Q2", "2026-Q3"]
    assert [c["value"] for c in on_time["periods"]] == [85.5, 85.5, 85.5]
    # the other measures are the indices' own: nothing computed here, so no figure
    assert all(c["value"] is None for r in rows[1:] for c in r["periods"])

    html = (
        client_for(cast.leader_a)
        .get(reverse("plans:unit_index", args=[cast.agency_a.code]) + "?year=2026")
        .content.decode()
    )
    assert 'id="journey-index"' in html and "85,5%" in html
    assert "2026-Q1" in html
