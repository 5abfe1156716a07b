"""Every point traceable: on the agency page and the losses page the points scored, the points
lost, the maxima of metrics not scored or without data and the points above a group's cap add
up to the maximum (domain.md §5: the total is out of 100, an unscored metric adds 0)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from cchc.indices import scoring
from cchc.indices.periods import Period

pytestmark = pytest.mark.django_db
AUG = "2026-08"


def attrs(body: str, selector: str) -> list[dict[str, str]]:
    """The data-* attributes of each <tr> whose opening tag contains `selector`."""
    out = []
    for tag in re.findall(r"<tr\b[^>]*>", body):
        if selector in tag:
            out.append(dict(re.findall(r'data-([\w-]+)="([^"]*)"', tag)))
    return out


def test_agency_page_accounts_for_every_point_of_unscored_metrics(client, scenario):
    client.force_login(scenario.cast.province_admin)
    body = client.get(reverse("indices:agency", args=["H26.01"]), {"period": AUG}).content.decode()
    metrics = attrs(body, "data-metric=")
    groups = attrs(body, 'class="group-total"')
    total = attrs(body, 'id="agency-points"')[0]
    unscored = {m["metric"]: float(m["unscored"]) for m in metrics if float(m["unscored"])}
    # Sở Tư pháp has metrics without data or not scored: their maxima are lost, and say so
    assert unscored.get("ELECTRONIC_CERTIFIED_COPY") == 2.0
    assert "PUBLISH_ON_TIME" in unscored
    assert "không có dữ liệu: 2,00 điểm" in body
    assert "không chấm điểm: 6,00 điểm" in body
    assert len(groups) == 6
    for g in groups:
        code = g["group"]
        own = [m for m in metrics if m["metric"] in _codes(code)]
        accounted = sum(float(m["score"]) + float(m["lost"]) + float(m["unscored"]) for m in own)
        assert accounted == pytest.approx(sum(float(m["max"]) for m in own))
        assert accounted - float(g["above-cap"]) == pytest.approx(float(g["max"]))
        assert float(g["score"]) + float(g["lost"]) == pytest.approx(float(g["max"]))
    payment = next(g for g in groups if g["group"] == "payment")
    assert float(payment["max"]) == 10 and float(payment["above-cap"]) == pytest.approx(0.5)
    assert sum(float(g["max"]) for g in groups) == pytest.approx(100)
    assert sum(float(g["lost"]) for g in groups) == pytest.approx(float(total["lost"]))
    assert float(total["score"]) + float(total["lost"]) == pytest.approx(100)


def _codes(group: str) -> set[str]:
    ps = scoring.period_scores("qd766", Period.parse(AUG), province_code="01")
    return {m.code for m in ps.spec.group(group).metrics}


def test_losses_page_accounts_for_every_point_lost(client, scenario):
    client.force_login(scenario.cast.province_admin)
    body = client.get(reverse("indices:losses"), {"period": AUG}).content.decode()
    rows = attrs(body, "data-metric=")
    caps = attrs(body, 'class="above-cap"')
    balance = attrs(body, 'id="losses-balance"')[0]
    certified = next(r for r in rows if r["metric"] == "ELECTRONIC_CERTIFIED_COPY")
    ps = scoring.period_scores("qd766", Period.parse(AUG), province_code="01")
    assert float(certified["unscored"]) == pytest.approx(2.0 * len(ps.agencies))
    lost = sum(float(r["lost"]) + float(r["unscored"]) for r in rows)
    lost -= sum(float(c["above-cap"]) for c in caps)
    scored = sum(s.total for s in ps.scores.values())
    assert float(balance["scored"]) == pytest.approx(scored)
    assert lost == pytest.approx(float(balance["lost"]))
    assert lost + scored == pytest.approx(100 * len(ps.agencies))


def test_a_period_without_dossiers_is_a_gap_in_the_trends(client, scenario):
    """March–July 2026 hold no dossier: their totals are null (a gap), not the 16 points that
    procedure and petition metrics score on their own (a false jump to August)."""
    import json

    client.force_login(scenario.cast.province_admin)
    r = client.get(reverse("indices:agency", args=["H26.100"]), {"period": AUG})
    totals = json.loads(r.context["totals"])
    assert totals[:-1] == [None] * 5 and totals[-1] > 0
    body = r.content.decode()
    spark = re.search(r'data-metric="PUBLISH_ON_TIME".*?data-values="([^"]*)"', body, re.S)
    assert spark and json.loads(spark.group(1).replace("&quot;", '"'))[:-1] == [None] * 5
    r = client.get(reverse("indices:dashboard"), {"period": AUG})
    chart = json.loads(r.context["chart"])
    assert chart["total"][:-1] == [None] * 5 and chart["total"][-1] > 0
    assert all(values[:-1] == [None] * 5 for values in chart["groups"].values())
