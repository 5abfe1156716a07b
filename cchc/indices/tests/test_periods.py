"""Periods the index cannot report on (malformed, not started, before the methodology) get a
Vietnamese message: 400 on every index page, a non-zero exit from every command."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import URLPattern, get_resolver, reverse

from cchc.indices.periods import Period
from cchc.indices.scoring import UnreportablePeriod, reportable

pytestmark = pytest.mark.django_db

# (period, a phrase of the Vietnamese message it must get)
BAD = [
    ("2026-Q5", "không hợp lệ"),
    ("abc", "không hợp lệ"),
    ("2026-13", "không hợp lệ"),
    ("0000", "không hợp lệ"),
    ("9999-12", "không hợp lệ"),
    ("2019-Q1", "trước khi phương pháp"),
    ("2022-Q1", "trước khi phương pháp"),
    ("2099-01", "chưa bắt đầu"),
]
ARGS = {"code": "H26.100", "metric": "DOSSIER_ON_TIME"}


def index_urls() -> dict[str, str]:
    """Every page of the indices URLconf, its parameters filled in."""
    _prefix, resolver = get_resolver().namespace_dict["indices"]
    out = {}
    for entry in resolver.url_patterns:
        assert isinstance(entry, URLPattern)
        kwargs = {k: ARGS[k] for k in entry.pattern.converters}
        out[entry.name] = reverse(f"indices:{entry.name}", kwargs=kwargs)
    return out


def test_reportable_accepts_periods_under_the_methodology():
    today = dt.date(2026, 12, 3)
    assert reportable("2026-Q3", "qd766", today=today) == Period(2026, "quarter", 3)
    assert reportable("2026-12", "qd766", today=today) == Period(2026, "month", 12)  # in progress
    assert reportable("2022-Q3", "qd766", today=today) == Period(2022, "quarter", 3)
    with pytest.raises(UnreportablePeriod):
        reportable("2027-01", "qd766", today=today)


@pytest.mark.parametrize(("text", "phrase"), BAD)
def test_reportable_refuses_with_a_vietnamese_message(text, phrase):
    with pytest.raises(UnreportablePeriod) as info:
        reportable(text, "qd766")
    assert phrase in info.value.message


def test_every_index_page_answers_a_bad_period_with_400_and_a_message(client, cast):
    urls = index_urls()
    assert {"dashboard", "public", "agency", "evidence", "ranking", "losses"} <= set(urls)
    client.force_login(cast.province_admin)
    for name, url in urls.items():
        for text, phrase in BAD:
            for extra in ({}, {"export": "xlsx"}):
                r = client.get(url, {"period": text, **extra})
                body = r.content.decode()
                # these pages take no period to show (the portal comparison takes its period
                # with the upload: test_portal_compare; the published-figures form only
                # pre-selects it, and refuses a bad one on saving: test_published_figures)
                if name in ("periods", "reconcile", "reconcile_portal", "figures"):
                    assert r.status_code == 200, (name, text)
                    continue
                assert r.status_code == 400, (name, text, extra)
                assert phrase in body, (name, text)
    client.logout()
    for text, phrase in BAD:
        r = client.get(urls["public"], {"period": text})
        assert r.status_code == 400 and phrase in r.content.decode(), text


def test_closing_a_bad_period_from_the_page_says_why(client, cast):
    from cchc.indices.models import PeriodReport

    client.force_login(cast.province_admin)
    for text, phrase in BAD:
        r = client.post(reverse("indices:periods"), {"period": text}, follow=True)
        assert r.status_code == 200 and phrase in r.content.decode(), text
    assert not PeriodReport.objects.exists()


@pytest.mark.parametrize("command", ["compute_indices", "rebuild_indices"])
@pytest.mark.parametrize(("text", "phrase"), BAD)
def test_commands_exit_non_zero_with_the_message(command, text, phrase, cast):
    with pytest.raises(CommandError) as info:
        call_command(command, period=text)
    assert phrase in str(info.value)
