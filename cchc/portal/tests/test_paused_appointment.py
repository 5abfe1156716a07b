"""A dossier paused for the citizen's supplement showed its appointment on the status page and
in "My dossiers" as if the clock were running, though the date moves by every day the agency
waits. Both now say that it is paused, since when, and what the agency is waiting for."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from .test_my_dossiers_appointment import appointment_cell
from .test_my_messages import paused  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


def test_the_status_page_says_paused_since_when_and_what_is_awaited(
    client,
    citizen,
    paused,  # noqa: F811
):
    client.force_login(citizen)
    html = client.get(reverse("portal:dossier", args=[paused.code])).content.decode()
    row = re.search(r"<th>Hẹn trả kết quả</th><td>(.*?)</td></tr>", html, re.S)
    assert row, "no appointment row"
    cell = row.group(1)
    assert "Tạm dừng" in cell and "từ 10:00 02/03/2026" in cell
    assert "Thiếu bản sao sổ hộ khẩu" in cell
    appointment = timezone.localtime(paused.appointment_at).strftime("%H:%M %d/%m/%Y")
    assert appointment not in cell  # no date to count on


def test_my_dossiers_says_paused_instead_of_an_appointment(
    client,
    citizen,
    paused,  # noqa: F811
):
    client.force_login(citizen)
    html = client.get(reverse("portal:my_dossiers")).content.decode()
    cell = appointment_cell(html, paused.code)
    assert "Tạm dừng" in cell and "từ 02/03/2026" in cell
    assert "Thiếu bản sao sổ hộ khẩu" in cell
    assert not re.search(r"\d\d:\d\d \d\d/\d\d/\d{4}", cell)
