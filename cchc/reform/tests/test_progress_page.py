"""The submission progress page: units in the order of their names (codes sort as text:
H26.10, H26.100, H26.101 … H26.11), and each filter's label in the same grid cell as its box."""

from __future__ import annotations

import html
import re

import pytest
from django.urls import reverse

from cchc.core.actors import SYSTEM as SYSTEM_ACTOR
from cchc.reform import assessments
from cchc.reform.tests.helpers import build_template
from cchc.testing import AgencyFactory


@pytest.mark.django_db
def test_progress_lists_units_by_name_and_labels_sit_with_their_boxes(client, cast):
    t = build_template()
    extra = [
        AgencyFactory(code="H26.10", name="Sở Du lịch"),
        AgencyFactory(code="H26.101", name="Sở Ngoại vụ"),
        AgencyFactory(code="H26.11", name="Sở Khoa học và Công nghệ"),
    ]
    for agency in [cast.agency_b, cast.agency_c, *extra]:
        assessments.open_assessment(t, agency, actor=SYSTEM_ACTOR)
    client.force_login(cast.province_admin)
    text = html.unescape(client.get(reverse("reform:progress", args=[t.pk])).content.decode())
    table = text[text.index('id="progress"') : text.index("</table>")]
    shown = re.findall(r">(H26\.\d+) ([^<]+)</a>", table)
    names = [name for _code, name in shown]
    assert names == [
        "Sở Du lịch",
        "Sở Khoa học và Công nghệ",
        "Sở Ngoại vụ",
        "Sở Tư pháp",
        "Sở Xây dựng",
    ]
    # the search box's label and the box in one cell of the grid
    assert re.search(r'<div><label for="id_q">[^<]*</label>\s*<input[^>]*name="q"', text)
