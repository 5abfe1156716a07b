"""The petition queue as the hotline operator and the leader use it: each tab says how many
petitions it holds under the search and filters chosen, its link keeps them, and on a phone
each petition is a card with its due time in sight."""

from __future__ import annotations

import pytest

from cchc.feedback import petitions
from cchc.feedback.models import PetitionChannel
from cchc.feedback.tests.factories import MONDAY, file
from cchc.testing import sign_in

SUMMER = MONDAY.replace(month=8, day=17)  # a Monday months ago: its handling time has run out


def _late(cast, **kw):
    p = file(cast.agency_a, at=SUMMER, **kw)
    return petitions.confirm_routing(
        p, actor=cast.clerk_a, category="TTHC", agency=cast.agency_a, at=SUMMER
    )


@pytest.mark.django_db
def test_tabs_count_and_keep_the_filters_chosen(client, cast):
    call = {"channel": PetitionChannel.HOTLINE, "receiving_agency": cast.agency_a}
    late_call = _late(cast, **call, actor=cast.clerk_a, title="Gọi đường dây nóng")
    _late(cast, title="Gửi trên cổng")  # overdue too, but from the web
    file(cast.agency_a, **call, actor=cast.clerk_a)  # a call still to confirm
    client.force_login(cast.leader_a)
    resp = client.get("/feedback/staff/", {"channel": "HOTLINE", "tab": "all"})
    counts = {t: n for t, _label, n in resp.context["tabs"]}
    assert counts["overdue"] == 1 and counts["unrouted"] == 1 and counts["all"] == 2
    body = resp.content.decode()
    assert 'href="?tab=overdue&amp;channel=HOTLINE"' in body and "{#" not in body
    overdue = client.get("/feedback/staff/", {"tab": "overdue", "channel": "HOTLINE"})
    assert [p.pk for p in overdue.context["page"]] == [late_call.pk]
    # each count is the length of the list its tab opens
    for t, n in counts.items():
        page = client.get("/feedback/staff/", {"tab": t, "channel": "HOTLINE"}).context["page"]
        assert page.paginator.count == n


@pytest.mark.browser
def test_on_a_phone_the_queue_shows_each_petitions_due_time(reseeded, browser_page, cast):
    late = _late(cast, title="Hồ sơ đăng ký thường trú quá hạn chưa có kết quả")
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 800})
    sign_in(page, cast.leader_a)
    page.goto(f"{page.base_url}/feedback/staff/?tab=overdue")
    due = page.locator("#petition-queue td.queue-due").first
    box = due.bounding_box()
    assert box is not None and box["x"] + box["width"] <= 390  # not off the right edge
    assert late.handle_due_at is not None and "Hạn" in due.evaluate(
        "e => getComputedStyle(e, '::before').content"
    )
    page.shot("queue-phone")


@pytest.mark.django_db
def test_the_complaints_register_is_a_card_list_on_a_phone_with_its_deadline(client, cast):
    from cchc.feedback.tests.factories import file_complaint

    file_complaint(cast)
    client.force_login(cast.leader_a)
    body = client.get("/feedback/complaints/").content.decode()
    # the phone layout (app.css, table.procedure-results) names each cell from data-label
    assert 'class="compact procedure-results" id="complaint-register"' in body
    assert 'data-label="Hạn"' in body
