"""A unit's result page: the what-if form laid out by criterion."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from cchc.core.actors import SYSTEM
from cchc.reform import assessments, criteria
from cchc.reform.tests.helpers import save_nodes

# two criteria of six self-assessed leaves each, and the survey
MANY_LEAVES = [
    ("1", None, "field", 24, ""),
    ("1.1", "1", "criterion", 12, ""),
    *((f"1.1.{i}", "1.1", "subcriterion", 2, "self") for i in range(1, 7)),
    ("1.2", "1", "criterion", 12, ""),
    *((f"1.2.{i}", "1.2", "subcriterion", 2, "self") for i in range(1, 7)),
    ("2", None, "field", 6, ""),
    ("2.1", "2", "criterion", 6, ""),
    ("2.1.1", "2.1", "subcriterion", 6, "survey"),
]


def submitted_unit(cast, nodes=MANY_LEAVES, **template):  # type: ignore[no-untyped-def]
    t = criteria.create_template(actor=SYSTEM, code="T-2026", year=2026, name="Mẫu", **template)
    save_nodes(t, nodes)
    t = criteria.publish_template(t, actor=SYSTEM)
    a = assessments.open_assessment(t, cast.agency_b, actor=cast.specialist_b)
    for code, _parent, _kind, _max, method in nodes:
        if method == "self":
            assessments.set_self_score(a, code, actor=cast.specialist_b, score=1, explanation="Có")
    assessments.submit(a, actor=cast.leader_b)
    return a


@pytest.mark.django_db
def test_what_if_fields_are_grouped_by_criterion_in_a_wrapping_grid(client, cast):
    """QA walk B: the 86 what-if inputs sat in one grid row (Pico's `.grid` puts every child
    in one row), each column a pixel wide. Each criterion is now a fieldset whose fields wrap
    (`.whatif-fields`, auto-fill columns of at least 10rem)."""
    submitted_unit(cast)
    client.force_login(cast.leader_b)
    text = client.get(reverse("reform:unit", args=[2026, "H26.01"])).content.decode()
    form = text[text.index('id="whatif-form"') : text.index("</form>", text.index("whatif-form"))]
    assert 'class="grid"' not in form
    groups = re.findall(
        r'<fieldset class="whatif-group" id="wi-group-([\d.]+)"><legend>(.*?)</legend>'
        r"(.*?)</fieldset>",
        form,
        re.S,
    )
    assert [(code, legend) for code, legend, _body in groups] == [
        ("1.1", "1.1 Nội dung 1.1"),
        ("1.2", "1.2 Nội dung 1.2"),
    ]
    for code, _legend, body in groups:
        assert '<div class="whatif-fields">' in body
        assert re.findall(r'name="v_([\d.]+)"', body) == [f"{code}.{i}" for i in range(1, 7)]
    assert "v_2.1.1" not in form  # survey items are not self-scored


@pytest.mark.browser
def test_what_if_form_fits_the_screen_at_1280_and_390(transactional_db, browser_page, cast):
    """88 leaves as in the demo's template: the page is no wider than the window on a desktop
    and on a phone, and a field's label is readable (wider than a few characters)."""
    from cchc.testing import sign_in

    nodes: list[tuple[str, str | None, str, int, str]] = [("1", None, "field", 88, "")]
    for c in range(1, 9):
        nodes.append((f"1.{c}", "1", "criterion", 11, ""))
        nodes += [(f"1.{c}.{i}", f"1.{c}", "subcriterion", 1, "self") for i in range(1, 12)]
    submitted_unit(cast, nodes)
    page = browser_page
    sign_in(page, cast.leader_b)
    for width, height in ((1280, 800), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        page.goto(f"{page.base_url}/par/results/2026/H26.01/")
        page.wait_for_selector("#whatif-form")
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, (width, overflow)
        label = page.locator("label[for='wi-v_1.8.11']")
        assert label.bounding_box()["width"] > 100, width  # type: ignore[index]


@pytest.mark.django_db
def test_a_survey_left_out_of_the_index_loses_no_points(client, cast):
    """QA walk B: "where the points were lost" put 30 points lost in the survey field of a unit
    whose index was computed out of 70 without its optional survey. A left-out field and its
    criteria lose nothing and say they are not counted; a survey that is required does lose."""
    from cchc.reform import results

    submitted_unit(cast, survey_optional=True)
    client.force_login(cast.leader_b)
    r = client.get(reverse("reform:unit", args=[2026, "H26.01"]))
    lost = {f["code"]: f for f in r.context["lost"]}
    assert r.context["row"]["max"] == 24
    assert (lost["2"]["counted"], lost["2"]["lost"]) == (False, None)
    assert (lost["2"]["criteria"][0]["counted"], lost["2"]["criteria"][0]["lost"]) == (False, None)
    assert (lost["1"]["counted"], lost["1"]["lost"]) == (True, pytest.approx(12))
    page = r.content.decode()
    assert page.count('<span class="not-counted">không tính</span>') == 2
    # the same template with a required survey: the field counts and loses its 6 points
    results.clear_cache()
    from cchc.reform.models import Template

    Template.objects.filter(code="T-2026").update(survey_optional=False)
    r = client.get(reverse("reform:unit", args=[2026, "H26.01"]))
    lost = {f["code"]: f for f in r.context["lost"]}
    assert (lost["2"]["counted"], lost["2"]["lost"]) == (True, pytest.approx(6))


@pytest.mark.django_db
def test_each_criterion_of_where_the_points_were_lost_leads_to_its_rows_on_the_sheet(client, cast):
    """A province leader asking why a unit ranked last read the points each criterion lost,
    but nothing led from a criterion to the records behind it (its items' scores, evidence and
    appraisal comments): the code of each field and criterion links to its row of the sheet,
    for whoever may open the sheet; a reader who may not sees the bare code."""
    a = submitted_unit(cast)
    sheet = reverse("reform:assessment", args=[a.pk])
    unit = reverse("reform:unit", args=[2026, "H26.01"])
    client.force_login(cast.leader_b)
    text = client.get(unit).content.decode()
    for code in ("1", "1.1", "1.2"):
        assert f'<a href="{sheet}#n-{code}"' in text
    # the anchor is the sheet's row of that code
    assert 'id="n-1.2"' in client.get(sheet).content.decode()
