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
