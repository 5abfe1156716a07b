"""A unit without a valid questionnaire yet: its page says "—" for its SIPAS, not a bare
"SIPAS: %" that a leader took for a broken page."""

from cchc.surveys.tests.conftest import enter_phone_responses


def test_a_unit_without_valid_questionnaires_shows_a_dash(cast, campaign, method, client):
    enter_phone_responses(campaign, method, (4, 5), agency=cast.agency_a, actor=cast.clerk_a)
    client.force_login(cast.province_admin)

    page = client.get(f"/surveys/c/{campaign.code}/results/{cast.agency_b.code}/").content.decode()
    assert "<p>SIPAS: <strong>—</strong>" in page
    assert "<strong> %</strong>" not in page

    page = client.get(f"/surveys/c/{campaign.code}/results/{cast.agency_a.code}/").content.decode()
    assert "<p>SIPAS: <strong>100,00 %</strong>" in page
