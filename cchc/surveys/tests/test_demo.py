from cchc.surveys.demo import seed_demo_campaign
from cchc.surveys.models import Campaign, Mode, Quota, Response


def test_demo_campaign_is_published_with_answers(cast):
    campaign = seed_demo_campaign(units=2, per_unit=12)
    assert campaign is not None
    assert campaign.status == Campaign.Status.PUBLISHED and campaign.published_results
    assert Response.objects.filter(campaign=campaign).count() > 0
    units = {a["code"]: a for a in campaign.published_results["agencies"]}
    assert all(a["n_valid"] > 0 and a["total"] is not None for a in units.values())
    assert seed_demo_campaign() is None  # once only


def test_demo_quotas_count_every_valid_questionnaire(cast):
    """QA walk B: the demo showed 40 returns per unit against stratum quotas of 0/7 and 0/1.
    Its whole-unit quota counts every valid questionnaire, its strata's their invitations."""
    campaign = seed_demo_campaign(units=2, per_unit=12)
    assert campaign is not None
    for unit in campaign.units.all():
        valid = Response.objects.filter(campaign=campaign, agency=unit.agency, valid=True)
        quotas = {q.stratum: q for q in Quota.objects.filter(campaign=campaign, agency=unit.agency)}
        assert quotas["*"].target == 12 and quotas["*"].filled == valid.count() > 0
        strata = sum(q.filled for s, q in quotas.items() if s != "*")
        assert strata == valid.filter(mode=Mode.ONLINE).count()
