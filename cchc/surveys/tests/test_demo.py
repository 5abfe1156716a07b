from cchc.surveys.demo import seed_demo_campaign
from cchc.surveys.models import Campaign, Response


def test_demo_campaign_is_published_with_answers(cast):
    campaign = seed_demo_campaign(units=2, per_unit=12)
    assert campaign is not None
    assert campaign.status == Campaign.Status.PUBLISHED and campaign.published_results
    assert Response.objects.filter(campaign=campaign).count() > 0
    units = {a["code"]: a for a in campaign.published_results["agencies"]}
    assert all(a["n_valid"] > 0 and a["total"] is not None for a in units.values())
    assert seed_demo_campaign() is None  # once only
