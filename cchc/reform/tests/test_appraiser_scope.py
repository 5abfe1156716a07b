"""Before a year's results are published an appraiser sees the units their own team(s)
appraise, not every unit of the year: a member of team A who works in another unit (Sở Xây
dựng) read Sở Tư pháp's provisional points, the unit page and the ranking download, though
only team B appraises it (docs/reform.md: a unit never sees another unit's assessment before
publication). Home Affairs and inspectors still see every unit; after publication the
appraisers read every unit's result, like every other reader of the results."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.urls import reverse

from cchc.core.actors import SYSTEM
from cchc.reform import appraisal, publishing, results
from cchc.reform.models import Assessment
from cchc.reform.tests.helpers import build_template, scored_and_submitted
from cchc.testing import UserFactory

pytestmark = pytest.mark.django_db


def _download_names(client, year: int) -> str:  # type: ignore[no-untyped-def]
    resp = client.get(reverse("reform:ranking", args=[year]), {"format": "xlsx"})
    assert resp.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(resp.content))
    return " ".join(
        str(cell)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
        for cell in row
        if cell
    )


@pytest.fixture
def two_teams(cast):  # type: ignore[no-untyped-def]
    t = build_template()
    for agency, specialist, leader, score in (
        (cast.agency_b, cast.specialist_b, cast.leader_b, 7),
        (cast.agency_a, cast.specialist_a, cast.leader_a, 3),
    ):
        scored_and_submitted(t, agency, specialist, leader, score, 5)
    chair_a = UserFactory(username="chair_a")
    chair_b = UserFactory(username="chair_b")
    # team A: its member works in Sở Xây dựng (cast.outsider), a competitor of Sở Tư pháp
    appraisal.create_team(
        t,
        actor=SYSTEM,
        name="Tổ A",
        chair=chair_a,
        members=[cast.outsider],
        agencies=[cast.agency_a],
    )
    appraisal.create_team(
        t, actor=SYSTEM, name="Tổ B", chair=chair_b, members=[], agencies=[cast.agency_b]
    )
    return t, chair_a, chair_b


def test_a_member_of_team_a_sees_team_bs_unit_only_after_publication(client, cast, two_teams):
    _t, chair_a, chair_b = two_teams
    own = Assessment.objects.get(agency=cast.agency_a)
    other = Assessment.objects.get(agency=cast.agency_b)
    own_unit = reverse("reform:unit", args=[2026, cast.agency_a.code])
    other_unit = reverse("reform:unit", args=[2026, cast.agency_b.code])
    ranking = reverse("reform:ranking", args=[2026])

    for member in (cast.outsider, chair_a):
        client.force_login(member)
        # the list of sheets to appraise: team A's unit, never team B's
        home = client.get(reverse("reform:home")).content.decode()
        assert reverse("reform:assessment", args=[own.pk]) in home
        assert reverse("reform:assessment", args=[other.pk]) not in home
        # team B's unit: neither its sheet nor its result page
        assert client.get(reverse("reform:assessment", args=[other.pk])).status_code == 403
        assert client.get(other_unit).status_code == 403
        assert client.get(reverse("reform:assessment", args=[own.pk])).status_code == 200
        assert client.get(own_unit).status_code == 200
        # nor its row of the ranking, on the page or in the download
        text = client.get(ranking).content.decode()
        assert "UBND phường Hoàn Kiếm" in text and "Sở Tư pháp" not in text
        names = _download_names(client, 2026)
        assert "UBND phường Hoàn Kiếm" in names and "Sở Tư pháp" not in names
        # nor a link to it on the indices' scorecard
        urls = results.index_document("2026", viewer=member)["unit_urls"]
        assert cast.agency_a.code in urls and cast.agency_b.code not in urls

    # team B's chair (no unit's staff) reads team B's row only
    client.force_login(chair_b)
    text = client.get(ranking).content.decode()
    assert "Sở Tư pháp" in text and "UBND phường Hoàn Kiếm" not in text
    assert client.get(own_unit).status_code == 403

    # Home Affairs and inspectors see every unit before publication
    for user in (cast.province_admin, cast.inspector):
        client.force_login(user)
        text = client.get(ranking).content.decode()
        assert "Sở Tư pháp" in text and "UBND phường Hoàn Kiếm" in text
        assert client.get(other_unit).status_code == 200

    publishing.publish_results(2026, actor=SYSTEM, reason="", confirm_incomplete=True)
    results._FROZEN.clear()
    for member in (cast.outsider, chair_a):
        client.force_login(member)
        assert client.get(other_unit).status_code == 200
        assert "Sở Tư pháp" in client.get(ranking).content.decode()
        assert "Sở Tư pháp" in _download_names(client, 2026)
        assert cast.agency_b.code in results.index_document("2026", viewer=member)["unit_urls"]


def test_the_list_to_appraise_matches_a_team_to_its_own_template(client, cast, two_teams):
    """A member of a 2025 team for Sở Tư pháp and of the 2026 team A was listed Sở Tư pháp's
    2026 sheet: the template's teams and the unit's teams were matched separately."""
    last = build_template(code="T-2025", year=2025)
    appraisal.create_team(
        last,
        actor=SYSTEM,
        name="Tổ 2025",
        chair=UserFactory(username="chair_2025"),
        members=[cast.outsider],
        agencies=[cast.agency_b],
    )
    other = Assessment.objects.get(agency=cast.agency_b, template__year=2026)
    own = Assessment.objects.get(agency=cast.agency_a, template__year=2026)
    client.force_login(cast.outsider)
    home = client.get(reverse("reform:home")).content.decode()
    assert reverse("reform:assessment", args=[own.pk]) in home
    assert reverse("reform:assessment", args=[other.pk]) not in home
