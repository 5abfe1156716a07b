"""Fair rankings: the minimum sample applies to the public page and every ranking; units below
it are listed apart ("Chưa đủ hồ sơ để xếp hạng"); the needs-attention list never shows a unit
that ranks first."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse

from cchc.indices.models import ProvinceIndexSetting

pytestmark = pytest.mark.django_db
AUG = "2026-08"


def section(body: str, start: str, end: str = "</section>") -> str:
    i = body.index(start)
    return body[i : body.index(end, i)]


def test_public_page_lists_small_units_apart_and_never_ranks_them(client, scenario):
    # Hoàn Kiếm has 9 dossiers in August: below the default minimum of 10
    body = client.get(reverse("indices:public"), {"period": AUG}).content.decode()
    assert "Chưa đủ hồ sơ để xếp hạng" in body
    apart = section(body, 'id="unranked"')
    assert "UBND phường Hoàn Kiếm" in apart
    table = section(body, 'id="public-table"', "</div>")
    assert "UBND phường Hoàn Kiếm" not in table
    ProvinceIndexSetting.objects.create(province_code="01", min_dossiers_to_rank=1)
    body = client.get(reverse("indices:public"), {"period": AUG}).content.decode()
    assert "UBND phường Hoàn Kiếm" in section(body, 'id="public-table"', "</div>")


def test_public_export_marks_small_units_as_too_few_to_rank(client, scenario):
    from openpyxl import load_workbook

    r = client.get(reverse("indices:public"), {"period": AUG, "export": "xlsx"})
    rows = list(load_workbook(io.BytesIO(r.content)).active.iter_rows(values_only=True))
    hoan_kiem = next(row for row in rows if "H26.100" in row)
    assert hoan_kiem[0] == "Xã, phường" and hoan_kiem[1] == "Chưa đủ hồ sơ để xếp hạng"


def test_ranking_page_lists_small_units_apart(client, scenario):
    client.force_login(scenario.cast.province_admin)
    body = client.get(reverse("indices:ranking"), {"period": AUG}).content.decode()
    apart = section(body, 'id="unranked"')
    assert "UBND phường Hoàn Kiếm" in apart
    ranked_part = body[: body.index('id="unranked"')]
    assert "UBND phường Hoàn Kiếm" not in ranked_part


def test_needs_attention_never_shows_a_unit_that_ranks_first():
    from cchc.indices.views.province import needs_attention

    # best first; "solo" leads a group of its own (rank 1) with the lowest total
    rows = [(f"a{i}", 90.0 - i, i + 1, "g") for i in range(8)] + [("solo", 10.0, 1, "h")]
    shown = [r[0] for r in needs_attention(rows)]
    assert "solo" not in shown
    assert shown == ["a7", "a6", "a5"]  # the five best are never "needing attention"


def test_dashboard_lists_show_each_rank_within_its_group_and_the_groups_size(client, scenario):
    """The best and needing-attention lists mix groups whose ranks are counted apart: a bare
    "1, 1, 2" read as a mistake, so each rank says of how many ("2/5") under its heading."""
    import re

    ProvinceIndexSetting.objects.create(province_code="01", min_dossiers_to_rank=1)
    client.force_login(scenario.cast.province_admin)
    r = client.get(reverse("indices:dashboard"), {"period": AUG})
    body = r.content.decode()
    assert body.count("Hạng trong nhóm") == 2
    ranked = {}
    for a, _total, rank, group, of in r.context["top"]:
        ranked.setdefault(group, set()).add(a.pk)
        assert 1 <= rank <= of
    cells = re.findall(r"<tr><td>(\d+)/(\d+)</td>", body)
    assert cells and len(cells) == len(r.context["top"]) + len(r.context["bottom"])
    sizes = {}
    for _a, _total, _rank, group, of in r.context["top"]:
        sizes.setdefault(group, set()).add(of)
    assert all(len(s) == 1 for s in sizes.values())  # one size per group


def test_public_page_ranks_each_group_apart_under_its_name(client, scenario, cast):
    """Ranks count within a ranking group: the public page shows one table per group, headed
    by the group's name, never one list merged by rank ("1 Sở…, 1 UBND phường…, 3 …")."""
    from cchc.testing import AgencyFactory

    ProvinceIndexSetting.objects.create(province_code="01", min_dossiers_to_rank=0)
    # a second commune with no dossiers: ranked 2nd in "Xã, phường" with a total above the
    # departments' – a list merged by rank would put it between the departments
    AgencyFactory(code="H26.101", name="UBND xã Thử", level="COMMUNE", group=cast.agency_a.group)
    body = client.get(reverse("indices:public"), {"period": AUG}).content.decode()
    ranked = section(body, 'id="public-table"', "</div>")
    departments = section(ranked, "<h2>Sở, ban, ngành</h2>")
    communes = section(ranked, "<h2>Xã, phường</h2>")
    assert "Sở Tư pháp" in departments and "Sở Xây dựng" in departments
    assert "UBND phường Hoàn Kiếm" not in departments and "UBND xã Thử" not in departments
    assert "UBND phường Hoàn Kiếm" in communes and "UBND xã Thử" in communes
    assert "Sở Tư pháp" not in communes
    assert ranked.index("Sở, ban, ngành") < ranked.index("Xã, phường")  # the groups' order


def test_a_ranking_group_with_no_ranked_agency_says_so(client, scenario):
    # default minimum of 10 dossiers: no agency of either group is ranked in August
    client.force_login(scenario.cast.province_admin)
    body = client.get(reverse("indices:ranking"), {"period": AUG}).content.decode()
    ranked_part = body[: body.index('id="unranked"')]
    for group in ("Sở, ban, ngành", "Xã, phường"):
        table = section(ranked_part, f"<h2>{group}</h2>", "</table>")
        assert "Chưa có cơ quan nào được xếp hạng trong nhóm này." in table
