"""The work queue's filters: a date that cannot be read is said, not ignored (the whole
queue was listed under "received from 2026-13-45", as if it had been filtered)."""

from __future__ import annotations

import pytest

from cchc.core.calendar import LOCAL_TZ
from cchc.dossiers.tests.factories import counter_dossier

pytestmark = pytest.mark.django_db


def test_an_unreadable_date_is_said_and_nothing_is_listed(client, cast):
    d = counter_dossier(cast)
    client.force_login(cast.clerk_a)
    page = client.get("/staff/", {"queue": "all", "received_from": "2026-13-45"})
    html = page.content.decode()
    assert 'id="filter-error"' in html and "Không đọc được một điều kiện lọc" in html
    error = html[html.index('id="filter-error"') :]
    assert "Nhập một ngày hợp lệ." in error[: error.index("</div>")]
    assert d.code not in html
    # the htmx fragment says it too
    fragment = client.get(
        "/staff/",
        {"queue": "all", "received_from": "2026-13-45"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="queue-results",
    ).content.decode()
    assert 'id="filter-error"' in fragment and d.code not in fragment
    # a readable filter lists the dossier
    html = client.get("/staff/", {"queue": "all", "received_from": "2026-01-01"}).content.decode()
    assert 'id="filter-error"' not in html and d.code in html


def test_a_date_range_given_backwards_is_said(client, cast):
    """One-stop day walk: "received from 30/11 to 20/11" listed no dossier and said nothing,
    as if the counter had received none in those days."""
    d = counter_dossier(cast)
    day = d.received_at.astimezone(LOCAL_TZ).date()
    client.force_login(cast.clerk_a)
    html = client.get(
        "/staff/",
        {"queue": "all", "received_from": day.isoformat(), "received_to": "2020-01-01"},
    ).content.decode()
    assert 'id="filter-error"' in html
    error = html[html.index('id="filter-error"') :]
    assert "trước ngày bắt đầu" in error[: error.index("</div>")]
    # the same day at both ends is a range of one day
    html = client.get(
        "/staff/",
        {"queue": "all", "received_from": day.isoformat(), "received_to": day.isoformat()},
    ).content.decode()
    assert 'id="filter-error"' not in html and d.code in html


def test_the_procedure_filter_takes_a_code_or_words_of_the_name(client, cast):
    """Counter walk: the queue's procedure filter took a code only, so a clerk who typed
    "khai sinh" was told nothing matched. A code or words of the name (accents or not) now
    find the dossiers; the procedures are looked up first, so the queue's own query filters
    by procedure id and joins no catalogue table per dossier."""
    from cchc.dossiers.models import Dossier
    from cchc.dossiers.queries import DossierFilter, apply_filter
    from cchc.testing import ProcedureFactory

    marriage = ProcedureFactory(
        code="1.000894", name="Thủ tục đăng ký kết hôn", agencies=[cast.agency_a]
    )
    birth = counter_dossier(cast, "Lê Thị Sinh")
    wedding = counter_dossier(
        cast, "Phạm Văn Cưới", procedure=marriage, competent_agency=cast.agency_a
    )
    client.force_login(cast.clerk_a)
    for term, shown, hidden in [
        ("khai sinh", birth, wedding),
        ("KHAI SINH", birth, wedding),
        ("đăng ký kết hôn", wedding, birth),
        ("1.001193", birth, wedding),
    ]:
        html = client.get("/staff/", {"queue": "all", "procedure": term}).content.decode()
        assert shown.code in html and hidden.code not in html, term
    html = client.get("/staff/", {"queue": "all", "procedure": "ly hôn"}).content.decode()
    assert birth.code not in html and wedding.code not in html
    # labelled for what it takes
    html = client.get("/staff/", {"queue": "all"}).content.decode()
    assert "Thủ tục (mã hoặc tên)" in html
    # the catalogue is looked up first: no join from the dossiers to the procedures
    sql = str(apply_filter(Dossier.objects.all(), DossierFilter(procedure="khai sinh")).query)
    assert "catalogue_procedure" not in sql
