"""Units in the order a reader looks for them (QA walk B, issue 3): by ranking group, then by
name, never by code compared as text (H26.100–H26.109 before H26.11)."""

import re

from cchc.agencies.models import Agency
from cchc.surveys.tests.conftest import open_campaign
from cchc.testing import AgencyFactory


def codes(page, pattern):
    return [m for m in re.findall(pattern, page) if m.startswith("H26.")]


def test_progress_table_and_entry_list_sort_units_by_group_then_name(cast, questionnaire, client):
    science = AgencyFactory(code="H26.11", name="Sở Khoa học và Công nghệ")
    ward = AgencyFactory(
        code="H26.109", name="UBND phường Ba Đình", level="COMMUNE", group=cast.agency_a.group
    )
    # codes as text: H26.01, H26.100, H26.109, H26.11
    campaign = open_campaign(
        questionnaire,
        [cast.agency_a, ward, cast.agency_b, science],
        actor=cast.province_admin,
        code="KS-ORDER",
        name="Khảo sát thứ tự đơn vị",
    )
    expected = ["H26.11", "H26.01", "H26.109", "H26.100"]  # Sở K…, Sở T…, phường B…, phường H…
    assert Agency.objects.get(code="H26.01").name == "Sở Tư pháp"

    client.force_login(cast.province_admin)
    progress = client.get(f"/surveys/c/{campaign.code}/progress/").content.decode()
    assert codes(progress, r'<tr><td>(?:<a href="[^"]*">)?(H26\.\d+) ') == expected
    entry = client.get(f"/surveys/c/{campaign.code}/enter/").content.decode()
    assert codes(entry, r'<option value="(H26\.\d+)"') == expected
    assert [u.agency.code for u in campaign.units_in_order()] == expected
