"""Every unit's raw answers as a file prepared by the job runner (prepared_answers.py): the
page offers "prepare the file", shows it being prepared, then the download with its time and
size; only Home Affairs and the province's inspectors may ask for it or download it; a file
read before answers changed is marked out of date."""

import re

import pytest
from django.core.files.storage import default_storage
from django.template.defaultfilters import filesizeformat
from django.utils import translation

from cchc.core.errors import NotPermitted
from cchc.core.jobs import run_jobs
from cchc.surveys import prepared_answers
from cchc.surveys.models import PreparedAnswers, SurveyEvent
from cchc.surveys.tests.conftest import enter_phone_responses

pytestmark = pytest.mark.django_db(transaction=True)  # the job runner's worker commits


def results(client, campaign):
    return client.get(f"/surveys/c/{campaign.code}/results/").content.decode()


def file_row(page, fmt):
    row = re.search(rf'<tr id="answers-file-{fmt}">(.*?)</tr>', page, re.S)
    assert row is not None, fmt
    return row.group(1)


def prepare(client, campaign, fmt):
    return client.post(f"/surveys/c/{campaign.code}/answers-file/", {"format": fmt})


def download(client, campaign, fmt):
    return client.get(f"/surveys/c/{campaign.code}/answers-file/{fmt}/")


def test_the_job_builds_the_spss_file_the_page_then_offers(
    cast, campaign, method, client, tmp_path
):
    import pyreadstat

    enter_phone_responses(campaign, method, (5, 4, 2), agency=cast.agency_a, actor=cast.clerk_a)
    client.force_login(cast.province_admin)
    row = file_row(results(client, campaign), "sav")
    assert "Chưa chuẩn bị" in row and "Chuẩn bị tệp" in row
    assert download(client, campaign, "sav").status_code == 404  # nothing prepared yet

    assert prepare(client, campaign, "sav").status_code == 302
    # asked for, not built in the request: shown as being prepared, no second button
    row = file_row(results(client, campaign), "sav")
    assert 'class="answers-file-preparing"' in row and "Chuẩn bị tệp" not in row
    assert download(client, campaign, "sav").status_code == 404
    prepare(client, campaign, "sav")  # asked again while waiting: still one job
    prepared = PreparedAnswers.objects.get(campaign=campaign, format="sav")
    assert prepared.is_preparing and not prepared.file_name
    assert SurveyEvent.objects.filter(campaign=campaign, action="answers_file").count() == 1

    assert run_jobs() >= 1
    prepared.refresh_from_db()
    assert prepared.status == PreparedAnswers.Status.READY and prepared.questionnaires == 3
    assert default_storage.exists(prepared.file_name)
    assert prepared.size == default_storage.size(prepared.file_name)
    row = file_row(results(client, campaign), "sav")
    assert f"/surveys/c/{campaign.code}/answers-file/sav/" in row
    with translation.override("vi"):
        size = filesizeformat(prepared.size)  # "29,5 KB"
    assert f"{size}, 3 phiếu" in row and "KB" in size and "answers-file-preparing" not in row
    assert "answers-file-stale" not in row and "Chuẩn bị lại" in row

    got = download(client, campaign, "sav")
    assert got.status_code == 200 and got["Content-Type"] == "application/x-spss-sav"
    assert got["Content-Disposition"] == 'attachment; filename="phieu-KS-2026-tat-ca.sav"'
    path = tmp_path / "all.sav"
    path.write_bytes(b"".join(got.streaming_content))
    frame, _meta = pyreadstat.read_sav(str(path))
    assert sorted(frame["A1"]) == [2, 4, 5] and set(frame["MaDonVi"]) == {cast.agency_a.code}

    # prepared again: the new file replaces the old one in the storage
    old = prepared.file_name
    prepare(client, campaign, "sav")
    run_jobs()
    prepared.refresh_from_db()
    assert prepared.file_name != old and not default_storage.exists(old)


def test_only_readers_of_every_units_answers_prepare_or_download(cast, campaign, method, client):
    enter_phone_responses(campaign, method, (5,), agency=cast.agency_a, actor=cast.clerk_a)
    client.force_login(cast.province_admin)
    prepare(client, campaign, "csv")
    run_jobs()
    assert download(client, campaign, "csv").status_code == 200
    # a unit's leader reads their unit's answers, not the province's: neither the button, nor
    # the request, nor the prepared file (its link passed on)
    for user in (cast.leader_a, cast.clerk_a):
        client.force_login(user)
        assert 'id="answers-files"' not in results(client, campaign)
        assert prepare(client, campaign, "csv").status_code == 403
        assert download(client, campaign, "csv").status_code == 403
    with pytest.raises(NotPermitted):
        prepared_answers.request_answers_file(campaign, fmt="csv", actor=cast.leader_a)
    with pytest.raises(NotPermitted):
        prepared_answers.open_answers_file(campaign, fmt="csv", actor=cast.leader_a)
    assert PreparedAnswers.objects.get(campaign=campaign, format="csv").requested_by == (
        cast.province_admin
    )
    client.logout()
    assert download(client, campaign, "csv").status_code == 302  # to the sign-in page
    # the province's inspectors download what Home Affairs prepared
    client.force_login(cast.inspector)
    assert 'id="answers-files"' in results(client, campaign)
    assert download(client, campaign, "csv").status_code == 200
    assert download(client, campaign, "xls").status_code == 404


def test_a_file_read_before_answers_changed_is_marked_out_of_date(cast, campaign, method, client):
    enter_phone_responses(campaign, method, (5,), agency=cast.agency_a, actor=cast.clerk_a)
    client.force_login(cast.province_admin)
    prepare(client, campaign, "jsonl")
    run_jobs()
    assert "answers-file-stale" not in file_row(results(client, campaign), "jsonl")
    # a questionnaire recorded since: the file is still there, marked out of date
    enter_phone_responses(campaign, method, (4,), agency=cast.agency_b, actor=cast.clerk_b)
    row = file_row(results(client, campaign), "jsonl")
    assert 'class="answers-file-stale"' in row and "Đã cũ" in row
    assert download(client, campaign, "jsonl").status_code == 200
    # prepared again: current, with both questionnaires
    prepare(client, campaign, "jsonl")
    run_jobs()
    row = file_row(results(client, campaign), "jsonl")
    assert "answers-file-stale" not in row and "2 phiếu" in row
    lines = b"".join(download(client, campaign, "jsonl").streaming_content).splitlines()
    assert len(lines) == 2
