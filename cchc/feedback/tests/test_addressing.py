"""The public feedback pages address the citizen as "Ông/Bà", as the rest of the portal does.
The tracking page of a petition the agency asked a question about said "bạn" (its notice, the
answer's label and help, the message once the answer was sent) while the form and the lookup
said "Ông/Bà": one page spoke to the same person in two ways."""

from __future__ import annotations

import re

import pytest

from cchc.feedback import petitions
from cchc.feedback.tests.factories import file
from cchc.feedback.tests.test_views import published
from cchc.testing import client_for

pytestmark = pytest.mark.django_db

_BAN = re.compile(r"\bbạn\b", re.IGNORECASE)


def informal(html: str) -> list[str]:
    """Each place a page says "bạn", with a little of what surrounds it."""
    return [html[max(m.start() - 40, 0) : m.end() + 40] for m in _BAN.finditer(html)]


def test_the_public_pages_say_ong_ba_and_never_ban(client, cast):
    answered = published(cast)
    asked = file(cast.agency_a, user=cast.citizen)
    asked = petitions.confirm_routing(
        asked, actor=cast.clerk_a, category=asked.category, agency=cast.agency_a
    )
    asked = petitions.request_info(
        asked, actor=cast.specialist_a, question="Ông/Bà cho biết số biên nhận hồ sơ."
    )
    track = f"/feedback/p/{asked.token}/"
    pages = {
        url: client.get(url).content.decode()
        for url in (
            "/feedback/new/",
            "/feedback/lookup/",
            "/feedback/answers/",
            f"/feedback/answers/{answered.code}/",
            track,
        )
    }
    pages["/feedback/mine/"] = client_for(cast.citizen).get("/feedback/mine/").content.decode()
    assert "Ông/Bà" in pages[track]  # the question's notice and the answer's label
    sent = client.post(track, {"text": "Biên nhận số 12, nộp ngày 02/11/2026."}, follow=True)
    pages["after the answer"] = sent.content.decode()
    assert "Nội dung trả lời của Ông/Bà đã được gửi tới cơ quan" in pages["after the answer"]
    assert {url: informal(html) for url, html in pages.items() if informal(html)} == {}
