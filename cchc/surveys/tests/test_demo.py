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


def test_demo_has_last_years_published_campaign_to_compare_with(cast, client):
    """The demo showed one published campaign, so the ranking, a unit's page and the
    workbook had no last year to compare with: last year's is seeded and published first,
    over the same units."""
    import datetime as dt
    import io

    from openpyxl import load_workbook

    campaign = seed_demo_campaign(units=2, per_unit=12)
    assert campaign is not None
    last = int(campaign.period) - 1
    assert campaign.period == str(dt.date.today().year)  # noqa: DTZ011
    previous = Campaign.objects.get(period=str(last), status=Campaign.Status.PUBLISHED)
    assert previous.published_results
    units = {a["code"]: a for a in previous.published_results["agencies"]}
    assert set(units) == {u.agency.code for u in campaign.units.all()}
    assert all(a["total"] is not None for a in units.values())

    book = load_workbook(io.BytesIO(client.get(f"/surveys/c/{campaign.code}/results.xlsx").content))
    rows = list(book["SIPAS"].iter_rows(values_only=True))
    column = rows[0].index(f"SIPAS % {last}")
    assert all(row[column] is not None and row[column + 1] is not None for row in rows[1:])
    page = client.get(f"/surveys/c/{campaign.code}/results/").content.decode()
    assert f"SIPAS % kỳ {last}" in page
