"""PAPI and other external indices: recorded values, own rank from scores, targets."""

from __future__ import annotations

import pytest

from cchc.core.actors import SYSTEM
from cchc.core.errors import NotPermitted, ValidationFailed
from cchc.reform import external


@pytest.mark.django_db
def test_own_rank_from_scores_and_targets_in_places(cast):
    for year, scores in (
        (2024, {"01": 40.0, "79": 42.0, "48": 44.0}),
        (2025, {"01": 45.0, "79": 42.0, "48": 44.0}),
    ):
        for prov, score in scores.items():
            external.record_value(
                actor=SYSTEM, index="PAPI", year=year, province_code=prov, score=score
            )
    fig = external.figure("PAPI", 2025)
    assert fig["rank"] == 1 and fig["rank_change"] == 2  # 3rd -> 1st
    up2 = external.save_target(
        actor=SYSTEM, year=2025, index="PAPI", kind="rank_change", value="+2"
    )
    up5 = external.save_target(
        actor=SYSTEM, year=2025, index="PAPI", kind="rank_change", value="+5"
    )
    top1 = external.save_target(actor=SYSTEM, year=2025, index="PAPI", kind="rank", value="1")
    assert external.assess_target(up2)["on_track"] is True
    assert external.assess_target(up5)["on_track"] is False
    assert external.assess_target(top1)["on_track"] is True
    sipas = external.save_target(actor=SYSTEM, year=2025, index="SIPAS", kind="score", value="86")
    assert external.assess_target(sipas)["on_track"] is None  # no figure yet
    external.record_value(actor=SYSTEM, index="SIPAS", year=2025, province_code="01", score="86.50")
    assert external.assess_target(sipas)["on_track"] is True


@pytest.mark.django_db
def test_bad_values_are_refused(cast):
    with pytest.raises(ValidationFailed):
        external.record_value(
            actor=SYSTEM, index="PAPI", year=2025, province_code="01", node_code="D1", score="11"
        )  # a dimension scores out of 10
    with pytest.raises(NotPermitted):
        external.record_value(
            actor=cast.leader_b, index="PAPI", year=2025, province_code="01", score=1
        )


@pytest.mark.django_db
def test_a_corrected_figure_keeps_who_entered_it_and_the_value_it_replaced(client, cast):
    admin = cast.province_admin
    v = external.record_value(actor=admin, index="PAPI", year=2025, province_code="01", score="44")
    assert (v.entered_by, v.entered_by_label, v.earlier) == (admin, admin.display_name, [])
    first_entered = v.entered_at
    assert first_entered is not None
    # the same figure again changes nothing
    again = external.record_value(
        actor=SYSTEM, index="PAPI", year=2025, province_code="01", score="44.0"
    )
    assert again.entered_by == admin and again.entered_at == first_entered
    fixed = external.record_value(
        actor=SYSTEM, index="PAPI", year=2025, province_code="01", score="45.25", rank=9
    )
    assert fixed.entered_by is None and fixed.entered_by_label == str(SYSTEM.label)
    assert fixed.earlier == [
        {
            "score": "44",
            "max_score": "80",
            "rank": None,
            "group": "",
            "lead_agency": None,
            "entered_at": first_entered.isoformat(),
            "entered_by": admin.display_name,
        }
    ]
    target = external.save_target(actor=admin, year=2026, index="PAPI", kind="rank", value="5")
    assert target.entered_by == admin and target.entered_at is not None
    client.force_login(admin)
    page = client.get("/par/external/?index=PAPI").content.decode()
    assert "1 giá trị trước" in page and f"44/80 — {admin.display_name}" in page


@pytest.mark.django_db
def test_a_target_is_judged_only_on_its_own_years_figure(client, cast):
    """A 2026 or 2027 "top 10" is not missed by the 2025 rank: before its year's figure the
    row says there is no figure yet and shows the latest one as information, with its year;
    the dimension is named, not only coded."""
    import html
    import re

    from django.urls import reverse

    for prov, score in {"01": 5.1, "79": 6.0, "48": 5.5}.items():
        external.record_value(
            actor=SYSTEM,
            index="PAPI",
            year=2025,
            province_code=prov,
            node_code="D1",
            node_name="Tham gia của người dân ở cấp cơ sở",
            score=score,
        )
    top1 = {
        year: external.save_target(
            actor=SYSTEM, year=year, index="PAPI", node_code="D1", kind="rank", value="1"
        )
        for year in (2026, 2027)
    }
    for year in (2026, 2027):
        x = external.assess_target(top1[year])
        assert x["on_track"] is None and x["figure"] is None
        assert x["latest"]["year"] == 2025 and x["latest"]["figure"]["rank"] == 3
    client.force_login(cast.province_admin)
    text = html.unescape(client.get(reverse("reform:external")).content.decode())
    table = text[text.index('id="targets"') : text.index("</table>", text.index('id="targets"'))]
    rows = re.findall(r'<tr><td class="card-title">(\d{4})</td>(.*?)</tr>', table, re.S)
    assert [year for year, _row in rows] == ["2026", "2027"]
    for _year, row in rows:
        assert "D1 Tham gia của người dân ở cấp cơ sở" in row
        assert "chưa có số liệu" in row and "chưa đạt" not in row
        assert "(2025)" in row and "2025: 5,10/10" in row  # the 2025 figure, as information
    # the 2026 figure judges the 2026 target only
    for prov, score in {"01": 5.2, "79": 6.0, "48": 5.5}.items():
        external.record_value(
            actor=SYSTEM, index="PAPI", year=2026, province_code=prov, node_code="D1", score=score
        )
    assert external.assess_target(top1[2026])["on_track"] is False
    assert external.assess_target(top1[2027])["on_track"] is None
