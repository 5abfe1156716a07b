"""Issue 17, point 1: a metric the platform holds no data for (electronic certified copies)
shows "no data — enter or import the figure" instead of invented full marks; the Department
of Home Affairs enters (form) or imports (CSV command) the published figure, audited, and the
score uses it."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from cchc.indices import counters
from cchc.indices.models import PublishedFigure, PublishedFigureEvent
from cchc.indices.periods import Period
from cchc.indices.scoring import period_scores

pytestmark = pytest.mark.django_db
AUG = Period.parse("2026-08")
NO_DATA_VI = "Không có dữ liệu — nhập hoặc nhập khẩu số liệu"


def _copy_metric(agency, period=AUG):
    scores = period_scores("qd766", period).scores[agency.pk]
    return next(
        m for g in scores.groups for m in g.metrics if m.code == "ELECTRONIC_CERTIFIED_COPY"
    )


def test_without_a_figure_the_metric_has_no_data_and_the_page_says_so(client, cast):
    metric = _copy_metric(cast.agency_a)
    assert metric.no_data and metric.score is None  # was 2.0 (full marks) with no data at all
    client.force_login(cast.province_admin)
    page = client.get(f"/indices/co-quan/{cast.agency_a.code}/?period=2026-08").content.decode()
    row = page[page.index('data-metric="ELECTRONIC_CERTIFIED_COPY"') :]
    row = row[: row.index("</tr>")]
    assert NO_DATA_VI in row and "/indices/so-lieu-cong-bo/" in row
    # the export says it too
    export = client.get(f"/indices/co-quan/{cast.agency_a.code}/?period=2026-08&export=xlsx")
    assert export.status_code == 200


def test_home_affairs_enters_the_figure_on_the_form_and_the_score_uses_it(client, cast):
    client.force_login(cast.province_admin)
    page = client.get("/indices/so-lieu-cong-bo/")
    assert page.status_code == 200
    for counter, value in (("certified_copies", 40), ("certified_copies_electronic", 30)):
        resp = client.post(
            "/indices/so-lieu-cong-bo/",
            {
                "agency": cast.agency_a.pk,
                "period": "2026-08",
                "counter": counter,
                "value": value,
                "source": "Báo cáo 12/BC-STP",
            },
        )
        assert resp.status_code == 302, resp.content.decode()[-1500:]
    metric = _copy_metric(cast.agency_a)
    assert (metric.numerator, metric.denominator, metric.no_data) == (30, 40, False)
    assert metric.score == 1.5  # 2 × 30/40
    spec = period_scores("qd766", AUG).spec
    assert counters.evidence(spec, "ELECTRONIC_CERTIFIED_COPY", cast.agency_a.pk, AUG).score == 1.5
    assert counters.evidence(spec, "ELECTRONIC_CERTIFIED_COPY", cast.agency_b.pk, AUG).score is None
    assert _copy_metric(cast.agency_b).no_data  # another agency still has none
    # a change is audited with the value before and after
    client.post(
        "/indices/so-lieu-cong-bo/",
        {
            "agency": cast.agency_a.pk,
            "period": "2026-08",
            "counter": "certified_copies_electronic",
            "value": 35,
        },
    )
    figure = PublishedFigure.objects.get(counter="certified_copies_electronic")
    history = list(figure.events.values_list("action", "data", "actor_id"))
    assert history[0][0] == "enter" and history[1][0] == "change"
    assert history[1][1]["before"] == 30 and history[1][1]["after"] == 35
    assert history[1][2] == cast.province_admin.pk
    listing = client.get("/indices/so-lieu-cong-bo/").content.decode()
    assert "30 → 35" in listing


def test_bad_figures_are_refused_with_a_vietnamese_message_and_nothing_saved(client, cast):
    client.force_login(cast.province_admin)
    call = {"agency": cast.agency_a.pk, "period": "2026-08", "counter": "certified_copies"}
    client.post("/indices/so-lieu-cong-bo/", {**call, "value": 10})
    resp = client.post(
        "/indices/so-lieu-cong-bo/",
        {**call, "counter": "certified_copies_electronic", "value": 11},
    )
    assert resp.status_code == 200
    assert "không được lớn hơn tổng số bản sao chứng thực" in resp.content.decode()
    assert not PublishedFigure.objects.filter(counter="certified_copies_electronic").exists()
    resp = client.post("/indices/so-lieu-cong-bo/", {**call, "value": -1})
    assert resp.status_code == 200 and PublishedFigure.objects.get().value == 10


def test_only_home_affairs_may_enter_figures(client, cast):
    client.force_login(cast.clerk_a)
    assert client.get("/indices/so-lieu-cong-bo/").status_code == 403
    client.force_login(cast.specialist_a)
    assert client.post("/indices/so-lieu-cong-bo/", {}).status_code == 403
    assert not PublishedFigure.objects.exists()


def test_csv_import_is_all_or_nothing_and_audited(tmp_path, cast):
    good = tmp_path / "good.csv"
    good.write_text(
        "agency_code,period,counter,value,source\n"
        f"{cast.agency_a.code},2026-08,certified_copies,20,BC 1\n"
        f"{cast.agency_a.code},2026-08,certified_copies_electronic,20,BC 1\n",
        encoding="utf-8",
    )
    out = io.StringIO()
    call_command("import_published_figures", str(good), "--user", "province_admin", stdout=out)
    assert "2" in out.getvalue()
    assert _copy_metric(cast.agency_a).score == 2.0
    assert PublishedFigureEvent.objects.count() == 2

    bad = tmp_path / "bad.csv"
    bad.write_text(
        "agency_code,period,counter,value,source\n"
        f"{cast.agency_b.code},2026-08,certified_copies,5,\n"
        f"{cast.agency_b.code},2026-Q5,certified_copies_electronic,1,\n",
        encoding="utf-8",
    )
    with pytest.raises(CommandError, match="Dòng 2"):
        call_command("import_published_figures", str(bad), "--user", "province_admin")
    assert not PublishedFigure.objects.filter(agency=cast.agency_b).exists()
    with pytest.raises(CommandError):
        call_command("import_published_figures", str(good), "--user", "clerk_a")
