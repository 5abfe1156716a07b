"""'My dossiers' asks for a rating where one is due: a returned dossier not yet rated links
to its rating form from the list (the invitation sat only on each dossier's own page, below
the documents on a phone); once rated, the link is gone."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cchc.portal import services

from .test_evaluation import CRITERIA

pytestmark = pytest.mark.django_db


def test_a_returned_dossier_not_yet_rated_links_to_its_rating(client, citizen, returned):
    client.force_login(citizen)
    rate = reverse("portal:evaluate", args=[returned.code])
    html = client.get(reverse("portal:my_dossiers")).content.decode()
    assert f'href="{rate}"' in html and "Đánh giá chất lượng phục vụ" in html
    services.evaluate(returned, actor=citizen, scores={k: 2 for k in CRITERIA}, satisfaction=5)
    html = client.get(reverse("portal:my_dossiers")).content.decode()
    assert f'href="{rate}"' not in html
