"""The status page shows how far the dossier has come on its way (submitted, received, being
processed, result ready, result returned) and, just after submission, what happens next:
the status row alone ("Mới đăng ký", no appointment yet) said neither."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from cchc.dossiers import services

from .conftest import at, citizens_dossier

pytestmark = pytest.mark.django_db


def steps(client, dossier):  # type: ignore[no-untyped-def]
    html = client.get(reverse("portal:dossier", args=[dossier.code])).content.decode()
    block = re.search(r'<ol class="steps" id="progress-steps".*?</ol>', html, re.S)
    if block is None:
        return None, html
    items = re.findall(r"<li([^>]*)>([^<]*)</li>", block.group(0))
    return [(label, "aria-current" in attrs, "done" in attrs) for attrs, label in items], html


def test_a_new_dossier_is_at_the_first_step_and_says_what_comes_next(client, cast, citizen):
    client.force_login(citizen)
    shown, html = steps(client, citizens_dossier(cast, citizen))
    assert shown is not None, "no progress steps on the status page"
    assert [label for label, _cur, _done in shown] == [
        "Đã nộp",
        "Đã tiếp nhận",
        "Đang giải quyết",
        "Có kết quả",
        "Đã trả kết quả",
    ]
    assert [cur for _l, cur, _d in shown] == [True, False, False, False, False]
    assert "ngày hẹn trả kết quả được xác định khi tiếp nhận" in html


def test_a_supplement_request_is_within_processing(client, cast, citizen):
    client.force_login(citizen)
    d = services.receive(citizens_dossier(cast, citizen), actor=cast.clerk_a, at=at(2026, 3, 2, 9))
    d = services.request_supplement(
        d, actor=cast.clerk_a, reason="Thiếu bản sao", at=at(2026, 3, 2, 10)
    )
    shown, html = steps(client, d)
    assert shown is not None
    assert [(cur, done) for _l, cur, done in shown] == [
        (False, True),
        (False, True),
        (True, False),
        (False, False),
        (False, False),
    ]
    assert "ngày hẹn trả kết quả được xác định khi tiếp nhận" not in html


def test_a_returned_dossier_is_at_the_last_step(client, citizen, returned):
    client.force_login(citizen)
    shown, _html = steps(client, returned)
    assert shown is not None
    assert [cur for _l, cur, _d in shown] == [False, False, False, False, True]
    assert all(done for _l, _cur, done in shown[:-1])


def test_a_refused_dossier_shows_no_way_ahead(client, cast, citizen):
    client.force_login(citizen)
    d = services.refuse(
        citizens_dossier(cast, citizen),
        actor=cast.clerk_a,
        reason="Sai thủ tục",
        at=at(2026, 3, 2, 9),
    )
    shown, html = steps(client, d)
    assert shown is None
    assert "Không được tiếp nhận" in html
