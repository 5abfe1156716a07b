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


@pytest.mark.django_db
def test_the_search_and_the_status_narrow_the_units_that_have_not_started(client, cast):
    """Home Affairs searched the progress of a province of 148 units for "xã Sóc Sơn", which
    had not started: the table said there was no self-assessment and the list under it still
    named every unit that had not started. The search narrows that list, as it narrows the
    table; a status chosen leaves none of them (a unit that has not started has no status)."""
    t = build_template()
    AgencyFactory(code="H26.133", name="UBND Xã Sóc Sơn")
    AgencyFactory(code="H26.10", name="Sở Du lịch")
    assessments.open_assessment(t, cast.agency_b, actor=SYSTEM_ACTOR)
    client.force_login(cast.province_admin)
    url = reverse("reform:progress", args=[t.pk])

    def not_started(**params):  # type: ignore[no-untyped-def]
        text = html.unescape(client.get(url, params).content.decode())
        start = text.find("Đơn vị chưa bắt đầu")
        return "" if start < 0 else text[start : text.index("</p>", start)]

    assert "Sở Du lịch" in not_started() and "UBND Xã Sóc Sơn" in not_started()
    found = not_started(q="xa soc son")
    assert "H26.133 UBND Xã Sóc Sơn" in found and "Sở Du lịch" not in found
    assert not_started(status="SUBMITTED") == ""
