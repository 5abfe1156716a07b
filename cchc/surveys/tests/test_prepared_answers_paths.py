"""Every path that adds or changes a campaign's answers marks its prepared answers file out
of date (prepared_answers.py): the entry form, double keying of paper forms (agreed, and
resolved by the supervisor), the personal link, the open link and kiosk, review, correction,
and the bundle import that corrects a campaign's questionnaire. One test per path: each
fails if its path stops announcing the change (`live.changed`)."""

import json

import pytest
from django.core.management import call_command

from cchc.core.jobs import run_jobs
from cchc.surveys import collection, prepared_answers, sampling, services
from cchc.surveys.models import Mode, PreparedAnswers, Response
from cchc.surveys.tests.conftest import all_items, enter_phone_responses

pytestmark = pytest.mark.django_db(transaction=True)  # the job runner's worker commits


@pytest.fixture
def prepared(cast, campaign, method):
    """A current JSONL file of the campaign's one phone questionnaire."""
    enter_phone_responses(campaign, method, (5,), agency=cast.agency_a, actor=cast.clerk_a)
    prepared_answers.request_answers_file(campaign, fmt="jsonl", actor=cast.province_admin)
    run_jobs()
    assert not current(campaign).is_stale

    return lambda: current(campaign).is_stale


def current(campaign):
    return PreparedAnswers.objects.select_related("campaign").get(campaign=campaign, format="jsonl")


def test_entry(cast, campaign, method, prepared):
    enter_phone_responses(campaign, method, (4,), agency=cast.agency_b, actor=cast.clerk_b)
    assert prepared()


def test_double_keying_agreed(cast, campaign, method, prepared):
    for clerk in (cast.clerk_a, cast.clerk_b):
        collection.key_paper_form(
            campaign,
            number="P-1",
            agency=cast.agency_a,
            mode=Mode.PAPER_POST,
            answers=all_items(method, 4),
            actor=clerk,
        )
        # the first keying alone adds no questionnaire: the file is still current
        assert prepared() is (clerk == cast.clerk_b)


def test_double_keying_resolved_by_the_supervisor(cast, campaign, method, prepared):
    for clerk, value in ((cast.clerk_a, 4), (cast.clerk_b, 3)):
        form = collection.key_paper_form(
            campaign,
            number="P-2",
            agency=cast.agency_a,
            mode=Mode.PAPER_HOME,
            answers=all_items(method, value),
            actor=clerk,
        )
    assert not prepared()  # disputed: nothing recorded yet
    collection.resolve_paper_form(
        form,
        resolution={d["item"]: 4 for d in form.differences},
        actor=cast.province_admin,
    )
    assert prepared()


def test_personal_link(cast, campaign, method, prepared):
    frame = [
        sampling.FrameEntry(key=f"HS-{i}", stratum="HT:1", person={"name": f"Người {i}"})
        for i in range(3)
    ]
    sample = services.draw_sample(
        campaign, agency=cast.agency_b, actor=cast.province_admin, seed="x", frame=frame
    )
    assert not prepared()  # a drawn sample is no answer
    person = sample.people.filter(reserve=False).first()
    assert person is not None
    collection.submit_personal(person.token, answers=all_items(method, 5))
    assert prepared()


@pytest.mark.parametrize("mode", [Mode.ONLINE, Mode.KIOSK])
def test_open_link_and_kiosk(cast, campaign, method, prepared, mode):
    collection.submit_open(
        campaign,
        open_token=campaign.open_token,
        agency=cast.agency_a,
        answers=all_items(method, 4),
        device_key="dev1",
        **({"mode": mode} if mode != Mode.ONLINE else {}),
    )
    assert prepared()


def test_review(cast, campaign, prepared):
    collection.review_responses(
        list(Response.objects.filter(campaign=campaign)),
        decision=Response.Review.REJECTED,
        reason="phiếu trùng",
        actor=cast.province_admin,
    )
    assert prepared()


def test_correction(cast, campaign, method, prepared):
    response = Response.objects.get(campaign=campaign)
    collection.edit_response(
        response, answers=all_items(method, 3), actor=cast.province_admin, reason="sửa theo phiếu"
    )
    assert prepared()


def test_bundle_import_correcting_a_campaign_questionnaire(
    cast, campaign, method, prepared, tmp_path
):
    response = Response.objects.get(campaign=campaign)
    row = {
        "MaPhieu": response.code,
        "PhuongPhap": method.code,
        "Ky": response.period,
        "MaDonVi": response.agency.code,
        "HinhThuc": response.mode,
        "NgayThu": response.collected_at.isoformat(),
        "TraLoi": dict(response.answers),
    }
    (tmp_path / "survey_responses.jsonl").write_text(json.dumps(row) + "\n", encoding="utf-8")
    call_command("import_bundle", str(tmp_path), stdout=open("/dev/null", "w"))
    assert not prepared()  # the same answers again: unchanged
    row["TraLoi"] = all_items(method, 2)
    (tmp_path / "survey_responses.jsonl").write_text(json.dumps(row) + "\n", encoding="utf-8")
    call_command("import_bundle", str(tmp_path), stdout=open("/dev/null", "w"))
    assert Response.objects.get(pk=response.pk).answers == all_items(method, 2)
    assert prepared()
