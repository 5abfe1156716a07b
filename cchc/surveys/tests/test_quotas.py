"""A unit's quotas (QA walk B, issue 1): every valid questionnaire counts toward the unit's
whole-unit quota ("toàn đơn vị") whatever the channel, and toward its stratum's quota when its
stratum is known; either quota full refuses."""

from functools import partial

import pytest

from cchc.surveys import campaign_settings, collection
from cchc.surveys.models import Mode, Quota
from cchc.surveys.tests.conftest import all_items
from cchc.surveys.tests.test_collection import drawn


def filled(campaign, agency, stratum="*"):
    return Quota.objects.get(campaign=campaign, agency=agency, stratum=stratum).filled


def test_every_channel_counts_toward_the_whole_unit_quota(cast, campaign, method):
    unit = cast.agency_b  # H26.01, the QA walk's unit
    campaign_settings.set_quota(campaign, agency=unit, target=20, actor=cast.province_admin)
    sample = drawn(cast, campaign)  # stratum HT:1, quota 5
    people = list(sample.people.filter(reserve=False))
    answers = all_items(method, 4)

    # invitation link: the whole unit and the person's stratum
    collection.submit_personal(people[0].token, answers=answers)
    assert (filled(campaign, unit), filled(campaign, unit, "HT:1")) == (1, 1)

    # two paper forms, double keyed
    for number in ("P-1", "P-2"):
        key = partial(
            collection.key_paper_form,
            campaign,
            number=number,
            agency=unit,
            mode=Mode.PAPER_POST,
            answers=answers,
        )
        key(actor=cast.clerk_a)
        key(actor=cast.clerk_b)
    assert (filled(campaign, unit), filled(campaign, unit, "HT:1")) == (3, 1)

    # open link and kiosk
    open_kw = dict(open_token=campaign.open_token, agency=unit, answers=answers)
    collection.submit_open(campaign, device_key="d1", **open_kw)
    collection.submit_open(campaign, device_key="d2", mode=Mode.KIOSK, **open_kw)
    assert filled(campaign, unit) == 5

    # enumerators: phone, face-to-face, supervised kiosk, paper at the desk; an interview of a
    # sampled person also counts for the person's stratum
    enter = partial(collection.enter_response, campaign, agency=unit, actor=cast.clerk_a)
    for mode in (Mode.PHONE, Mode.INTERVIEW, Mode.KIOSK, Mode.PAPER_DESK):
        enter(mode=mode, answers=answers)
    enter(mode=Mode.PHONE, answers=answers, stratum="HT:1")
    assert (filled(campaign, unit), filled(campaign, unit, "HT:1")) == (10, 2)
    assert campaign.responses.filter(agency=unit).count() == 10

    # an invalid questionnaire counts toward neither
    enter(mode=Mode.PHONE, answers=dict(list(answers.items())[:1]))
    assert (filled(campaign, unit), filled(campaign, unit, "HT:1")) == (10, 2)


def test_a_full_whole_unit_quota_refuses_an_invitation_too(cast, campaign, method):
    unit = cast.agency_b
    sample = drawn(cast, campaign)
    campaign_settings.set_quota(campaign, agency=unit, target=1, actor=cast.province_admin)
    first, second = list(sample.people.filter(reserve=False))[:2]
    collection.submit_personal(first.token, answers=all_items(method, 4))
    assert collection.reason_not_to_start(
        campaign, agency=unit, stratum=second.stratum, person=second
    ) == (f"Chỉ tiêu phiếu của {unit.name} (toàn đơn vị) đã đủ: không nhận thêm phiếu.")
    with pytest.raises(collection.QuotaFull, match="đã đủ"):
        collection.submit_personal(second.token, answers=all_items(method, 5))
    assert (filled(campaign, unit), filled(campaign, unit, "HT:1")) == (1, 1)
    assert campaign.responses.count() == 1


def test_a_full_stratum_quota_refuses_its_stratum_only(cast, campaign, method):
    unit = cast.agency_b
    drawn(cast, campaign)
    campaign_settings.set_quota(campaign, agency=unit, target=20, actor=cast.province_admin)
    campaign_settings.set_quota(
        campaign, agency=unit, target=1, actor=cast.province_admin, stratum="HT:1"
    )
    enter = partial(
        collection.enter_response, campaign, agency=unit, actor=cast.clerk_a, mode=Mode.PHONE
    )
    enter(answers=all_items(method, 4), stratum="HT:1")
    with pytest.raises(collection.QuotaFull, match="đã đủ"):
        enter(answers=all_items(method, 4), stratum="HT:1")
    enter(answers=all_items(method, 4))  # the stratum unknown: the whole unit only
    assert (filled(campaign, unit), filled(campaign, unit, "HT:1")) == (2, 1)


def test_rejection_and_correction_give_the_quota_back_and_take_it_again(cast, campaign, method):
    """A quota counts the questionnaires that count: a rejected one (a duplicate, a fake) or
    one corrected into an invalid one gave its place back nowhere, so a unit's collection
    stopped as "full" on forms that no longer counted. Each change is in the event."""
    from cchc.surveys.models import ResponseEvent

    unit = cast.agency_b
    drawn(cast, campaign)
    campaign_settings.set_quota(campaign, agency=unit, target=2, actor=cast.province_admin)
    campaign_settings.set_quota(
        campaign, agency=unit, target=1, actor=cast.province_admin, stratum="HT:1"
    )
    enter = partial(
        collection.enter_response, campaign, agency=unit, actor=cast.clerk_a, mode=Mode.PHONE
    )
    first = enter(answers=all_items(method, 4), stratum="HT:1")
    second = enter(answers=all_items(method, 5))
    assert (filled(campaign, unit), filled(campaign, unit, "HT:1")) == (2, 1)
    with pytest.raises(collection.QuotaFull):
        enter(answers=all_items(method, 4))

    # rejected: both quotas it counted for get the place back, and a new form is taken
    review = partial(collection.review_responses, actor=cast.province_admin)
    review([first], decision="REJECTED", reason="trùng phiếu")
    assert (filled(campaign, unit), filled(campaign, unit, "HT:1")) == (1, 0)
    event = ResponseEvent.objects.get(response=first, action="review")
    assert event.data["quota_released"] == "HT:1"
    third = enter(answers=all_items(method, 3), stratum="HT:1")
    assert (filled(campaign, unit), filled(campaign, unit, "HT:1")) == (2, 1)

    # accepted again after all: it counts again, for its own stratum, even over the target
    review([first], decision="ACCEPTED")
    first.refresh_from_db()
    assert first.quota_stratum == "HT:1"
    assert (filled(campaign, unit), filled(campaign, unit, "HT:1")) == (3, 2)

    # a correction that makes a form invalid gives the place back; a second one takes it again
    edit = partial(collection.edit_response, actor=cast.province_admin)
    second = edit(second, answers=all_items(method, 9), reason="phiếu trắng, nhập nhầm")
    assert not second.valid and second.quota_stratum == ""
    assert filled(campaign, unit) == 2
    second = edit(second, answers=all_items(method, 5), reason="nhập lại đúng phiếu")
    assert second.valid and second.quota_stratum == "*"
    assert (filled(campaign, unit), filled(campaign, unit, "HT:1")) == (3, 2)
    # a review that changes nothing of its counting moves no quota
    review([third], decision="ACCEPTED")
    assert (filled(campaign, unit), filled(campaign, unit, "HT:1")) == (3, 2)
