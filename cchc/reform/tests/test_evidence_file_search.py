"""A unit's uploaded files a row of its scoring sheet may reuse: the rows offer the newest
50, and a search by name (accents and case aside) reaches any older one, without loading
hundreds of options into every row and without JavaScript (a plain GET form)."""

from __future__ import annotations

import html
import re

import pytest
from django.urls import reverse

from cchc.reform import assessments
from cchc.reform.models import Evidence, EvidenceFile
from cchc.reform.tests.helpers import build_template


@pytest.fixture
def sheet(client, cast):  # type: ignore[no-untyped-def]
    a = assessments.open_assessment(build_template(), cast.agency_b, actor=cast.specialist_b)
    client.force_login(cast.specialist_b)
    return a


def add_file(agency, i, name):  # type: ignore[no-untyped-def]
    return EvidenceFile.objects.create(
        agency=agency,
        sha256=f"{i:064x}",
        file=f"par/2026/{i}.pdf",
        name=name,
        content_type="application/pdf",
        size=10,
    )


@pytest.fixture
def old_file(sheet, cast):  # type: ignore[no-untyped-def]
    """The unit's oldest file, then 60 newer ones, and another unit's file of the same name."""
    old = add_file(cast.agency_b, 1, "Kế hoạch Cải cách hành chính 2024.pdf")
    for i in range(2, 62):
        add_file(cast.agency_b, i, f"Báo cáo tháng {i}.pdf")
    add_file(cast.agency_a, 99, "Kế hoạch Cải cách hành chính 2024.pdf")
    return old


def page(client, a, **query):  # type: ignore[no-untyped-def]
    r = client.get(reverse("reform:assessment", args=[a.pk]), query)
    assert r.status_code == 200
    return html.unescape(r.content.decode())


def row_options(text, code="1.1.1"):  # type: ignore[no-untyped-def]
    select = re.search(
        rf'<select name="file_id" id="ev-{re.escape(code)}-file_id">(.*?)</select>', text, re.S
    )
    assert select, "the row offers no file to reuse"
    return re.findall(r'<option value="(\d*)"[^>]*>([^<]*)</option>', select.group(1))


@pytest.mark.django_db
def test_the_rows_offer_the_newest_files_and_say_how_to_reach_the_older_ones(
    client, sheet, old_file
):
    text = page(client, sheet)
    options = row_options(text)
    assert len(options) == 1 + 50  # "—" and the 50 newest
    assert str(old_file.pk) not in [v for v, _ in options]
    assert "50 tệp mới nhất trong 61 tệp" in text
    assert 'name="tep"' in text


@pytest.mark.django_db
def test_a_search_by_name_without_accents_reaches_an_older_file_of_the_unit_only(
    client, sheet, old_file
):
    text = page(client, sheet, tep="  ke HOACH cai cach ")
    options = row_options(text)
    assert options == [("", "—"), (str(old_file.pk), old_file.name)]
    assert "1 tệp khớp “ke HOACH cai cach”" in text
    # what was searched stays in the box
    assert 'value="ke HOACH cai cach"' in text or 'value="  ke HOACH cai cach "' in text


@pytest.mark.django_db
def test_a_search_that_finds_nothing_says_so(client, sheet, old_file):
    text = page(client, sheet, tep="quyet dinh")
    assert "Không có tệp nào của đơn vị có tên khớp “quyet dinh”" in text


@pytest.mark.django_db
def test_the_older_file_found_is_reused_and_kept_on_a_refused_form(client, sheet, old_file):
    url = reverse("reform:assessment_action", args=[sheet.pk])
    post = {"action": "evidence", "node": "1.1.1", "doc_number": "01/KH-STP"}
    post |= {"issuer": "Sở Tư pháp", "file_id": str(old_file.pk)}
    r = client.post(url, {**post, "doc_date": "2099-01-10"})
    text = html.unescape(r.content.decode())
    assert r.status_code == 200 and not Evidence.objects.exists()
    options = row_options(text)
    assert len(options) <= 1 + 51  # not every file of the unit in the row
    assert re.search(rf'<option value="{old_file.pk}" selected>', text)
    r = client.post(url, {**post, "doc_date": "2026-01-10"})
    assert r.status_code == 302
    assert Evidence.objects.get().file == old_file
