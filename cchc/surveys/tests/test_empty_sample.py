"""A unit whose frame had nobody (no completed procedure in the period) gets an empty
sample: the progress table offered its invitation letters all the same, a PDF that said only
"Nobody to write to". It now says so in the row, and the letters' address answers with a
page that says it. The quotas' labels start with a capital ("Toàn đơn vị 2/4")."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cchc.surveys import campaign_settings, services
from cchc.surveys.tests.conftest import enter_phone_responses
from cchc.testing import client_for

pytestmark = pytest.mark.django_db


def progress_row(body: str, agency) -> str:  # type: ignore[no-untyped-def]
    return next(row for row in body.split("<tr>") if agency.code in row)


def test_an_empty_sample_offers_no_letters(cast, campaign):
    sample = services.draw_sample(
        campaign, agency=cast.agency_b, actor=cast.province_admin, frame=[]
    )
    assert (sample.size, sample.frame_size) == (0, 0)
    admin = client_for(cast.province_admin)
    body = admin.get(reverse("surveys:progress", args=[campaign.code])).content.decode()
    row = progress_row(body, cast.agency_b)
    letters = reverse("surveys:letters", args=[campaign.code, cast.agency_b.code])
    assert letters not in row, row
    assert "0 / 0 · " in row and "Không có ai được chọn vào mẫu: không có thư mời để in" in row

    page = admin.get(letters)
    assert page["Content-Type"].startswith("text/html")
    assert (
        f"Không có ai được chọn vào mẫu của {cast.agency_b.name}: không có thư mời để in."
        in page.content.decode()
    )


def test_a_sample_with_people_offers_its_letters(cast, campaign):
    from cchc.surveys.tests.test_sampling import make_completed_dossiers

    make_completed_dossiers(cast, 3)
    services.draw_sample(campaign, agency=cast.agency_b, actor=cast.province_admin, seed="s")
    admin = client_for(cast.province_admin)
    body = admin.get(reverse("surveys:progress", args=[campaign.code])).content.decode()
    letters = reverse("surveys:letters", args=[campaign.code, cast.agency_b.code])
    assert letters in progress_row(body, cast.agency_b)
    assert admin.get(letters)["Content-Type"] == "application/pdf"


def test_the_quotas_labels_start_with_a_capital(cast, method, campaign):
    admin = cast.province_admin
    campaign_settings.set_quota(campaign, agency=cast.agency_a, target=4, actor=admin)
    enter_phone_responses(campaign, method, [5, 4], agency=cast.agency_a, actor=cast.clerk_a)
    page = client_for(cast.clerk_a).get(reverse("surveys:progress", args=[campaign.code]))
    row = progress_row(page.content.decode(), cast.agency_a)
    assert "<span>Toàn đơn vị 2/4</span>" in row, row
    assert "toàn đơn vị" not in row
