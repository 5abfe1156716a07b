"""Raw answers downloaded from the results page: the files `export_survey_responses` writes
(the same function makes both), for whoever may read the raw answers of the units asked
for: a unit's leader their own unit's, Home Affairs and the province's inspectors every
unit's (prepared by a job: test_prepared_answers.py)."""

import csv
import io
import json

import pytest
from django.core.management import call_command

from cchc.core.jobs import run_jobs
from cchc.surveys import services
from cchc.surveys.tests.conftest import all_items, enter_phone_responses


def url(campaign, fmt="csv", unit=None):
    query = f"?format={fmt}" + (f"&unit={unit}" if unit else "")
    return f"/surveys/c/{campaign.code}/export/{query}"


def prepared(client, campaign, fmt):
    """Every unit's answers: asked for on the results page, built by the job runner, then
    downloaded."""
    asked = client.post(f"/surveys/c/{campaign.code}/answers-file/", {"format": fmt})
    assert asked.status_code == 302
    assert run_jobs() >= 1
    return client.get(f"/surveys/c/{campaign.code}/answers-file/{fmt}/")


def body(response):
    return b"".join(response.streaming_content)


def rows_of(content):
    return list(csv.DictReader(io.StringIO(content.decode("utf-8"))))


def answered(cast, campaign, method):
    """Two questionnaires at unit A, one at unit B (with a "don't know")."""
    enter_phone_responses(campaign, method, (5, 4), agency=cast.agency_a, actor=cast.clerk_a)
    from cchc.surveys import collection

    collection.enter_response(
        campaign,
        agency=cast.agency_b,
        mode="phone",
        answers=all_items(method, 2, A1=9),
        actor=cast.clerk_b,
    )


@pytest.mark.django_db(transaction=True)  # the job runner's worker commits and reconnects
def test_home_affairs_downloads_every_format(cast, campaign, method, client, tmp_path):
    answered(cast, campaign, method)
    client.force_login(cast.province_admin)
    page = client.get(f"/surveys/c/{campaign.code}/results/").content.decode()
    assert 'id="answers-download"' in page and "Tất cả đơn vị" in page
    assert f'value="{cast.agency_a.code}"' in page and f'value="{cast.agency_b.code}"' in page

    # every unit's answers are not built in the request: the page's prepared files
    assert client.get(url(campaign)).status_code == 302
    whole = prepared(client, campaign, "csv")
    assert whole.status_code == 200
    assert whole["Content-Type"] == "text/csv; charset=utf-8"
    assert whole["Content-Disposition"] == 'attachment; filename="phieu-KS-2026-tat-ca.csv"'
    content = body(whole)
    assert sorted(r["MaDonVi"] for r in rows_of(content)) == sorted(
        [cast.agency_a.code] * 2 + [cast.agency_b.code]
    )
    # byte for byte the command's file of the same campaign
    out = tmp_path / "command.csv"
    call_command(
        "export_survey_responses",
        "--campaign",
        campaign.code,
        "--format",
        "csv",
        "--output",
        str(out),
        stdout=io.StringIO(),
    )
    assert content == out.read_bytes()

    sav = client.get(url(campaign, "sav", cast.agency_b.code))
    assert sav.status_code == 200 and sav["Content-Type"] == "application/x-spss-sav"
    assert sav["Content-Disposition"] == (
        f'attachment; filename="phieu-KS-2026-{cast.agency_b.code}.sav"'
    )
    path = tmp_path / "web.sav"
    path.write_bytes(body(sav))
    import pyreadstat

    frame, meta = pyreadstat.read_sav(str(path), user_missing=True)
    assert list(frame["MaDonVi"]) == [cast.agency_b.code] and frame["A1"][0] == 9
    assert {"lo": 9, "hi": 9} in meta.missing_ranges["A1"]

    jsonl = prepared(client, campaign, "jsonl")
    assert jsonl["Content-Type"] == "application/x-ndjson; charset=utf-8"
    lines = [json.loads(line) for line in body(jsonl).decode("utf-8").splitlines()]
    assert len(lines) == 3 and {line["PhuongPhap"] for line in lines} == {"sipas-2023"}

    # open data only once the results are published
    assert client.get(url(campaign, "open")).status_code == 404
    assert "?format=open" not in page
    services.close_campaign(campaign, actor=cast.province_admin)
    services.publish_results(campaign, actor=cast.province_admin)
    assert "?format=open" in client.get(f"/surveys/c/{campaign.code}/results/").content.decode()
    open_data = client.get(url(campaign, "open"))
    assert open_data.status_code == 200
    assert open_data["Content-Disposition"] == 'attachment; filename="du-lieu-mo-KS-2026.csv"'
    published = body(open_data)
    assert len(rows_of(published)) == 3
    assert "MaPhieu" not in published.decode("utf-8").splitlines()[0]


def test_a_unit_leader_downloads_only_their_own_units_answers(cast, campaign, method, client):
    client.force_login(cast.leader_a)
    # no answers yet: the columns of the campaign's method, no row
    empty = body(client.get(url(campaign, "csv", cast.agency_a.code))).decode("utf-8")
    assert empty.splitlines() == [empty.splitlines()[0]] and ",B2," in empty
    answered(cast, campaign, method)
    page = client.get(f"/surveys/c/{campaign.code}/results/").content.decode()
    assert 'id="answers-download"' in page
    assert f'value="{cast.agency_a.code}"' in page
    assert f'value="{cast.agency_b.code}"' not in page and "Tất cả đơn vị" not in page

    own = client.get(url(campaign, "csv", cast.agency_a.code))
    assert own.status_code == 200
    assert {r["MaDonVi"] for r in rows_of(body(own))} == {cast.agency_a.code}
    assert client.get(url(campaign, "sav", cast.agency_a.code)).status_code == 200
    # another unit's answers, the whole province's, or open data: refused in every format
    for fmt in ("csv", "sav", "jsonl"):
        assert client.get(url(campaign, fmt, cast.agency_b.code)).status_code == 403
        assert client.get(url(campaign, fmt)).status_code == 403
    assert client.get(url(campaign, "open", cast.agency_a.code)).status_code == 403
    services.close_campaign(campaign, actor=cast.province_admin)
    services.publish_results(campaign, actor=cast.province_admin)
    assert client.get(url(campaign, "open")).status_code == 403


@pytest.mark.django_db(transaction=True)  # the job runner's worker commits and reconnects
def test_no_download_for_staff_who_may_not_read_raw_answers(cast, campaign, method, client):
    answered(cast, campaign, method)
    # a clerk enters questionnaires and sees the live results, not the raw answers
    client.force_login(cast.clerk_a)
    page = client.get(f"/surveys/c/{campaign.code}/results/")
    assert page.status_code == 200 and 'id="answers-download"' not in page.content.decode()
    assert client.get(url(campaign, "csv", cast.agency_a.code)).status_code == 403
    assert client.get(url(campaign)).status_code == 403
    # a unit outside the campaign, an unknown format
    client.force_login(cast.province_admin)
    assert client.get(url(campaign, "csv", cast.agency_c.code)).status_code == 404
    assert client.get(url(campaign, "xls")).status_code == 404
    # the province's inspectors read every unit's raw answers
    client.force_login(cast.inspector)
    assert prepared(client, campaign, "csv").status_code == 200
    # nobody signed in: the sign-in page, even once the results are public
    services.close_campaign(campaign, actor=cast.province_admin)
    services.publish_results(campaign, actor=cast.province_admin)
    client.logout()
    public = client.get(f"/surveys/c/{campaign.code}/results/").content.decode()
    assert 'id="answers-download"' not in public
    assert client.get(url(campaign, "open")).status_code == 302
