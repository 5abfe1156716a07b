"""The button that takes a closed campaign back to collecting says so and asks first: after
closing, Home Affairs saw "Bắt đầu thu phiếu" (start collecting) as the first, primary
button, above "Công bố kết quả", and one click reopened the collection without a word."""

import re

from cchc.surveys import services
from cchc.surveys.tests.conftest import draft_campaign


def open_button(client, campaign) -> str:
    page = client.get(f"/surveys/c/{campaign.code}/").content.decode()
    found = re.search(r'<button name="action" value="open"[^>]*>[^<]*</button>', page)
    assert found is not None
    return found.group(0)


def test_a_closed_campaign_offers_to_reopen_and_asks_first(cast, campaign, questionnaire, client):
    client.force_login(cast.province_admin)
    services.close_campaign(campaign, actor=cast.province_admin)

    button = open_button(client, campaign)
    assert ">Mở lại thu phiếu</button>" in button
    assert 'class="secondary"' in button and "data-confirm=" in button

    draft = draft_campaign(cast, questionnaire)
    assert open_button(client, draft).endswith(">Bắt đầu thu phiếu</button>")
    assert "data-confirm" not in open_button(client, draft)
