"""The task page offers "Percent done" only where a typed percentage counts (walk of domain.md
§10): the lead unit of a task without sub-tasks or a measure. On a measure-linked task the
unit leader typed a percentage and was refused; on a task with sub-tasks, or reporting as a
co-operating unit, the percentage was dropped after "Saved." and the bar did not move."""

import re

import pytest

from cchc.plans import services
from cchc.testing import client_for

pytestmark = pytest.mark.django_db


def _progress_form(client, task) -> str:  # type: ignore[no-untyped-def]
    html = client.get(f"/plans/nhiem-vu/{task.code}/").content.decode()
    found = re.search(r'<form[^>]*/progress/"[^>]*>.*?</form>', html, re.S)
    assert found, "the page offers a progress report"
    return found.group(0)


def test_percent_is_offered_only_where_it_counts(cast, assign, settings):
    settings.PLATFORM_MEASURES = {
        **settings.PLATFORM_MEASURES,
        "fake_rate": "cchc.plans.tests.fake_measure.fake",
    }
    leader = client_for(cast.leader_a)
    plain = assign(title="Rà soát quy trình")
    assert 'name="percent"' in _progress_form(leader, plain)

    measured = assign(measure_name="fake_rate", measure_target=95, measure_period="2026-Q3")
    form = _progress_form(leader, measured)
    assert 'name="percent"' not in form and 'name="text"' in form

    parent = assign(title="Kế hoạch rà soát")
    assign(parent=parent, title="Việc con")
    assert 'name="percent"' not in _progress_form(leader, parent)


def test_a_refused_progress_report_keeps_the_text_without_the_percent(cast, assign, settings):
    settings.PLATFORM_MEASURES = {
        **settings.PLATFORM_MEASURES,
        "fake_rate": "cchc.plans.tests.fake_measure.fake",
    }
    measured = assign(measure_name="fake_rate", measure_target=95, measure_period="2026-Q3")
    leader = client_for(cast.leader_a)
    # an empty report is refused; the page comes back with the progress form, still no percent
    r = leader.post(f"/plans/nhiem-vu/{measured.code}/progress/", {"text": " "})
    assert r.status_code in (200, 400, 422)
    html = r.content.decode()
    assert 'name="text"' in html and 'name="percent"' not in html
    services.report_progress(measured, actor=cast.leader_a, text="Đã họp triển khai")
