"""A log book (form 07) asked for with a date that cannot be read (30 February) says so and
prints nothing: it printed the default period, which read as the period asked for."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("start", "end", "bad"),
    [("2026-02-30", "2026-12-01", "2026-02-30"), ("2026-02-01", "2026-13-45", "2026-13-45")],
)
def test_an_unreadable_date_is_said_and_nothing_is_printed(client, cast, start, end, bad):
    client.force_login(cast.clerk_a)
    r = client.get(
        reverse("paperwork:logbook"), {"agency": cast.agency_a.code, "start": start, "end": end}
    )
    assert r.status_code == 400 and r["Content-Type"].startswith("text/html")
    page = r.content.decode()
    assert f"“{bad}” không phải là một ngày" in page and "không in gì" in page


def test_readable_dates_still_print(client, cast):
    client.force_login(cast.clerk_a)
    r = client.get(
        reverse("paperwork:logbook"),
        {"agency": cast.agency_a.code, "start": "2026-02-01", "end": "2026-02-28"},
    )
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
