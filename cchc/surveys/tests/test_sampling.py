"""Sample size, allocation, the reproducible draw, and the frame from completed dossiers."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cchc.core.errors import NotPermitted, TransitionNotAllowed
from cchc.surveys import sampling, services
from cchc.surveys.models import Quota, SampledPerson, SurveyEvent


def test_sample_size_follows_yamane():
    assert sampling.sample_size(10_000) == 385  # 10000 / 26 = 384.6
    assert sampling.sample_size(100) == 80  # 100 / 1.25
    assert sampling.sample_size(1) == 1
    assert sampling.sample_size(0) == 0
    assert sampling.sample_size(1000, 0.1) == 91  # 1000 / 11 = 90.9


@given(st.integers(min_value=1, max_value=10_000_000))
def test_sample_size_never_exceeds_frame_or_400(n):
    size = sampling.sample_size(n)
    assert 1 <= size <= min(n, 400)


@given(
    st.dictionaries(st.text(min_size=1, max_size=3), st.integers(0, 500), min_size=1),
    st.integers(0, 400),
)
def test_allocation_adds_up(sizes, n):
    n = min(n, sum(sizes.values()))
    shares = sampling.allocate(sizes, n)
    assert sum(shares.values()) == (n if sum(sizes.values()) else 0)
    assert all(0 <= shares[k] <= sizes[k] for k in sizes)


def frame(n):
    return [
        sampling.FrameEntry(
            key=f"HS-{i:05d}", stratum=("HT:1" if i % 3 else "DD:2"), person={"name": f"P{i}"}
        )
        for i in range(n)
    ]


def test_the_draw_is_reproduced_by_its_seed_and_stratified():
    one = sampling.draw(frame(900), seed="abc", unit="H26.01")
    two = sampling.draw(list(reversed(frame(900))), seed="abc", unit="H26.01")
    other = sampling.draw(frame(900), seed="abd", unit="H26.01")
    assert [e.key for e in one.sample] == [e.key for e in two.sample]
    assert [e.key for e in one.sample] != [e.key for e in other.sample]
    assert one.size == sampling.sample_size(900) == 277
    assert one.strata == {"DD:2": [300, 92], "HT:1": [600, 185]}
    assert len(one.reserve) == len(one.sample)
    assert not {e.key for e in one.sample} & {e.key for e in one.reserve}


def make_completed_dossiers(cast, n):
    from cchc.dossiers import services as dossier_services
    from cchc.dossiers.models import Dossier, Status

    ids = []
    for i in range(n):
        d = dossier_services.submit_online(
            procedure=cast.procedure,
            receiving_agency=cast.agency_b,
            competent_agency=cast.agency_b,
            applicant=dossier_services.Applicant(name=f"Người {i}", phone=f"09120000{i:02d}"),
            actor=cast.citizen,
        )
        ids.append(d.pk)
    Dossier.objects.filter(pk__in=ids).update(
        status=Status.RETURNED,
        finished_at=dt.datetime(2026, 5, 4, 3, 0, tzinfo=dt.UTC),
        details={"contact_ok": True},
    )
    return ids


def test_draw_sample_from_the_units_completed_dossiers(cast, campaign):
    make_completed_dossiers(cast, 12)
    sample = services.draw_sample(
        campaign, agency=cast.agency_b, actor=cast.province_admin, seed="s1"
    )
    assert sample.frame_size == 12 and sample.size == sampling.sample_size(12) == 12
    people = SampledPerson.objects.filter(sample=sample)
    assert people.filter(reserve=False).count() == 12
    assert all(p.token and p.contact_ok for p in people)
    assert Quota.objects.get(campaign=campaign, agency=cast.agency_b).target == 12
    event = SurveyEvent.objects.get(campaign=campaign, action="draw")
    assert event.data["seed"] == "s1" and event.data["frame"] == 12
    # the stored seed reproduces the draw
    again = sampling.draw(
        sampling.dossier_frame(cast.agency_b, campaign.date_from, campaign.date_to),
        seed=sample.seed,
        unit=cast.agency_b.code,
    )
    assert [e.person["dossier_code"] for e in again.sample] == list(
        people.filter(reserve=False).order_by("position").values_list("dossier_code", flat=True)
    )
    with pytest.raises(TransitionNotAllowed):
        services.draw_sample(campaign, agency=cast.agency_b, actor=cast.province_admin)


def test_only_home_affairs_draws(cast, campaign):
    with pytest.raises(NotPermitted):
        services.draw_sample(campaign, agency=cast.agency_b, actor=cast.leader_b)


def test_invitations_go_through_the_job_runner(transactional_db, cast, campaign, settings):
    # the job runner closes its connection: a transactional test, as core's job tests
    settings.SMS_BACKEND = "cchc.core.sms.MemorySmsBackend"
    from cchc.core.jobs import run_jobs
    from cchc.core.sms import MemorySmsBackend

    make_completed_dossiers(cast, 3)
    services.draw_sample(campaign, agency=cast.agency_b, actor=cast.province_admin, seed="s")
    MemorySmsBackend.outbox.clear()
    assert services.send_invitations(campaign, actor=cast.province_admin) == 3
    assert MemorySmsBackend.outbox == []  # nothing sent before the job runs
    run_jobs()
    assert len(MemorySmsBackend.outbox) == 3
    assert "/surveys/r/" in MemorySmsBackend.outbox[0][1]
    assert services.send_invitations(campaign, actor=cast.province_admin) == 0
