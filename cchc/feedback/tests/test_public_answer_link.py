"""Staff looking at a petition whose answer is published reach the public answer page the
citizen reads: there was no link to it from the staff page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cchc.feedback import petitions
from cchc.feedback.tests.factories import routed


def _answered(cast):  # type: ignore[no-untyped-def]
    p = routed(cast)
    return petitions.answer(p, actor=cast.specialist_a, text="Đã giải quyết. Cảm ơn Ông/Bà.")


def _link(page: str) -> str:
    start = page.find('id="public-answer-link"')
    return "" if start < 0 else page[page.rindex("<a", 0, start) : page.index("</a>", start)]


@pytest.mark.django_db
def test_a_published_petition_links_to_its_public_answer_page(client, cast):
    p = _answered(cast)
    client.force_login(cast.specialist_a)
    detail = reverse("feedback:detail", args=[p.code])
    assert _link(client.get(detail).content.decode()) == ""  # not public yet: nothing to open
    petitions.publish(p, actor=cast.leader_a)
    link = _link(client.get(detail).content.decode())
    public = reverse("feedback:answer", args=[p.code])
    assert f'href="{public}"' in link and 'target="_blank"' in link and "thẻ mới" in link
    assert client.get(public).status_code == 200  # the page the link opens exists
