"""'My dossiers' says why a dossier still waiting for the counter has no appointment yet (a bare
"—" read as "no date will ever come"); a dossier withdrawn before reception keeps the dash."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from cchc.dossiers import services

from .conftest import citizens_dossier

pytestmark = pytest.mark.django_db


def appointment_cell(html: str, code: str) -> str:
    row = re.search(
        rf"<tr>\s*<td class=\"procedure-code\"><a [^>]*>{re.escape(code)}</a>.*?</tr>", html, re.S
    )
    assert row, f"no row for {code}"
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row.group(0), re.S)
    return cells[3]


def test_a_waiting_dossier_says_when_its_appointment_comes(client, cast, citizen):
    waiting = citizens_dossier(cast, citizen)
    client.force_login(citizen)
    html = client.get(reverse("portal:my_dossiers")).content.decode()
    assert "được xác định khi cơ quan tiếp nhận" in appointment_cell(html, waiting.code)


def test_a_withdrawn_dossier_keeps_the_dash(client, cast, citizen):
    gone = services.withdraw(citizens_dossier(cast, citizen), actor=citizen, reason="Nhầm")
    client.force_login(citizen)
    html = client.get(reverse("portal:my_dossiers")).content.decode()
    assert appointment_cell(html, gone.code).strip() == "—"
