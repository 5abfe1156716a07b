"""The dossier lifecycle through the service layer: transitions, clock, audit trail."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import translation

from cchc.catalogue.models import Procedure
from cchc.core.actors import SYSTEM
from cchc.core.calendar import LOCAL_TZ
from cchc.core.chains import Break, verify
from cchc.core.errors import NotPermitted, TransitionNotAllowed, ValidationFailed
from cchc.core.identifiers import CODE_PATTERN
from cchc.core.models import RuleVersion
from cchc.dossiers import services
from cchc.dossiers.models import Dossier, DossierEvent, DossierSearch, DossierStep, Status
from cchc.dossiers.services import Applicant
from cchc.dossiers.tests.factories import counter_dossier, online_dossier

pytestmark = pytest.mark.django_db
APPLICANT = Applicant(name="Nguyễn Văn An", id_last4="1234", phone="0912345678")


def at(y, m, d, hh=9, mm=0):
    return dt.datetime(y, m, d, hh, mm, tzinfo=LOCAL_TZ)


def counter(cast, when=None, **kw):
    return counter_dossier(cast, APPLICANT, at=when or at(2026, 3, 2, 9), **kw)


def test_counter_intake_issues_code_receipt_and_appointment(cast):
    d = counter(cast)
    assert CODE_PATTERN.match(d.code), d.code
    assert d.code == "000.01.01.H26-260302-0001"
    assert d.status == Status.RECEIVED
    assert d.appointment_at == at(2026, 3, 5, 9)  # 3 working days
    assert d.rule_version.version == "2025" and d.form_set == "TT03-2025"
    ev = d.events.get()
    assert (ev.from_status, ev.to_status, ev.actor, ev.action) == (None, 2, cast.clerk_a, "receive")
    assert counter(cast).code.endswith("-0002")


def test_intake_skips_a_code_already_used_by_an_imported_dossier(cast):
    imported = counter(cast)
    Dossier.objects.filter(pk=imported.pk).update(
        code="000.01.01.H26-260302-0002"
    )  # as if imported
    d = counter(cast)
    assert d.code == "000.01.01.H26-260302-0003"
    assert Dossier.objects.filter(code__startswith="000.01.01.H26-260302-").count() == 2
    # the skipped attempt left nothing behind: one search text and one event a dossier, the
    # event hashed with the id the dossier got (its head names it)
    assert DossierSearch.objects.count() == 2 and DossierEvent.objects.count() == 2
    event = DossierEvent.objects.get(dossier=d)
    assert Dossier.objects.get(pk=d.pk).last_event_head == f"1:{event.hash}"
    assert [r for r in verify(DossierEvent) if isinstance(r, Break)] == []


def test_rule_version_follows_the_receipt_date(cast):
    d = counter(cast, when=at(2025, 6, 2, 9))
    assert d.rule_version.version == "2018" and d.form_set == "TT01-2018"


def test_full_lifecycle_on_time_with_steps(cast):
    d = counter(cast)
    d = services.transfer(
        d, actor=cast.clerk_a, to_agency=cast.agency_a, step_name="Thẩm định", at=at(2026, 3, 2, 10)
    )
    d = services.finish(
        d,
        actor=cast.specialist_a,
        result=SimpleUploadedFile("ket-qua.pdf", b"%PDF-1.4\n%%EOF\n"),
        at=at(2026, 3, 3, 9),
    )
    d = services.return_result(d, actor=cast.clerk_a, at=at(2026, 3, 3, 10))
    assert d.status == Status.RETURNED
    assert d.processing_ended_at == at(2026, 3, 3, 9) and d.has_electronic_result
    assert [e.to_status for e in d.events.all()] == [2, 4, 9, 10]
    step = DossierStep.objects.get(dossier=d)
    assert step.completed_at == at(2026, 3, 3, 9) and step.outcome in ("EARLY", "ON_TIME")


@pytest.mark.parametrize(
    ("threshold", "outcome"), [(3600, "EARLY"), (6 * 3600, "ON_TIME"), (None, "ON_TIME")]
)
def test_early_step_threshold_is_rule_data(cast, threshold, outcome):
    d = counter(cast)
    assert d.rule_version.param(services.EARLY_STEP_PARAM) == 3600  # as seeded (migration)
    params = {k: v for k, v in d.rule_version.params.items() if k != services.EARLY_STEP_PARAM}
    if threshold is not None:
        params[services.EARLY_STEP_PARAM] = threshold
    RuleVersion.objects.filter(pk=d.rule_version.pk).update(params=params)
    d = services.transfer(
        d, actor=cast.clerk_a, to_agency=cast.agency_a, hours=8, at=at(2026, 3, 2, 9)
    )  # step due 3/3 09:00; finished 2/3 13:00, 5 working hours to spare
    services.finish(d, actor=cast.specialist_a, at=at(2026, 3, 2, 13), note="Quyết định số 12/QĐ")
    assert DossierStep.objects.get(dossier=d).outcome == outcome


def test_late_step_is_flagged(cast):
    d = counter(cast)
    d = services.transfer(
        d, actor=cast.clerk_a, to_agency=cast.agency_a, hours=2, at=at(2026, 3, 2, 9)
    )
    services.finish(d, actor=cast.specialist_a, at=at(2026, 3, 2, 14), note="Quyết định số 12/QĐ")
    assert DossierStep.objects.get(dossier=d).outcome == "LATE"


def test_steps_follow_the_procedure_templates_and_their_edits(cast):
    from cchc.catalogue import services as catalogue

    catalogue.update_procedure(
        cast.procedure,
        actor=SYSTEM,
        data={},
        steps=[
            {"name": "Thẩm định hồ sơ", "working_hours": 4, "agency": None},
            {"name": "Phê duyệt", "working_hours": 8, "agency": None},
        ],
    )
    d = counter(cast)
    d = services.transfer(d, actor=cast.clerk_a, to_agency=cast.agency_a, at=at(2026, 3, 2, 9))
    d = services.transfer(
        d, actor=cast.specialist_a, to_agency=cast.agency_a, at=at(2026, 3, 2, 10)
    )
    first, second = DossierStep.objects.filter(dossier=d).order_by("seq")
    assert (first.name, first.due_at, first.outcome, first.completed_at) == (
        "Thẩm định hồ sơ",
        at(2026, 3, 2, 14),
        "EARLY",
        at(2026, 3, 2, 10),
    )
    assert (second.seq, second.name, second.due_at, second.completed_at) == (
        2,
        "Phê duyệt",
        at(2026, 3, 3, 10),
        None,
    )
    # the province edits the steps: the next dossier in this process uses the new budget
    catalogue.update_procedure(
        cast.procedure,
        actor=SYSTEM,
        data={},
        steps=[{"name": "Thẩm định hồ sơ", "working_hours": 2, "agency": None}],
    )
    d = services.transfer(
        counter(cast), actor=cast.clerk_a, to_agency=cast.agency_a, at=at(2026, 3, 2, 9)
    )
    assert DossierStep.objects.get(dossier=d).due_at == at(2026, 3, 2, 11)
    # a dossier (and its procedure) loaded before an edit still gets the edited steps
    stale = Dossier.objects.select_related("procedure").get(pk=counter(cast).pk)
    catalogue.update_procedure(
        Procedure.objects.get(pk=cast.procedure.pk),
        actor=SYSTEM,
        data={},
        steps=[{"name": "Thẩm định hồ sơ", "working_hours": 3, "agency": None}],
    )
    d = services.transfer(stale, actor=cast.clerk_a, to_agency=cast.agency_a, at=at(2026, 3, 2, 9))
    assert DossierStep.objects.get(dossier=d).due_at == at(2026, 3, 2, 12)


def test_supplement_pauses_the_clock(cast):
    d = counter(cast)  # appointment 5/3 09:00
    d = services.request_supplement(
        d, actor=cast.specialist_a, reason="Thiếu bản sao giấy khai sinh", at=at(2026, 3, 3, 9)
    )
    assert d.status == Status.SUPPLEMENT and d.supplement_count == 1
    d = services.receive_supplement(
        d, actor=cast.clerk_a, at=at(2026, 3, 4, 9)
    )  # one working day waiting
    assert d.status == Status.PROCESSING
    assert d.paused_seconds == 8 * 3600
    assert d.appointment_at == at(2026, 3, 5, 9)
    assert d.due_at == at(2026, 3, 6, 9)
    lines = services.due_derivation(d).lines
    assert any("8.0" in line for line in lines)


def test_second_supplement_is_recorded(cast):
    d = counter(cast)
    d = services.request_supplement(d, actor=cast.specialist_a, reason="a", at=at(2026, 3, 2, 10))
    d = services.receive_supplement(d, actor=cast.clerk_a, at=at(2026, 3, 2, 11))
    d = services.request_supplement(d, actor=cast.specialist_a, reason="b", at=at(2026, 3, 2, 14))
    assert d.supplement_count == 2


def test_online_submission_then_reception(cast):
    d = online_dossier(
        cast, Applicant(name="Trần Thị B", account=cast.citizen), at=at(2026, 3, 6, 16)
    )
    assert d.status == Status.SUBMITTED and d.received_at is None and d.appointment_at is None
    d = services.receive(d, actor=cast.clerk_a, at=at(2026, 3, 9, 8, 30))
    assert d.status == Status.RECEIVED
    assert d.appointment_at == at(2026, 3, 12, 8, 30)


@pytest.mark.parametrize(
    "open_with, keyword",
    [
        (online_dossier, "fee_amount"),  # the counter's keyword, not the applicant's
        (online_dossier, "receiving_place"),
        (online_dossier, "competent_agnecy"),  # a misspelt intake field
        (counter_dossier, "competent_agnecy"),
    ],
)
def test_intake_refuses_a_keyword_it_does_not_take(cast, open_with, keyword):
    """The intake fields travel as **DossierIntake; a wrong keyword from a caller outside the
    type gate still fails loudly instead of being dropped, and nothing is saved."""
    with pytest.raises(TypeError, match=keyword):
        open_with(cast, APPLICANT, **{keyword: cast.agency_b})
    assert not Dossier.objects.exists()


def test_refuse_requires_reason_and_closes(cast):
    d = online_dossier(cast, APPLICANT)
    with pytest.raises(ValidationFailed):
        services.refuse(d, actor=cast.clerk_a, reason="  ")
    d = services.refuse(d, actor=cast.clerk_a, reason="Không thuộc thẩm quyền")
    assert d.status == Status.REFUSED and d.closed_at is not None
    with pytest.raises(TransitionNotAllowed):
        services.receive(d, actor=cast.clerk_a)


@pytest.mark.parametrize("action", ["finish", "return_result"])
def test_transitions_not_allowed_leave_no_trace(cast, action):
    d = counter(cast)
    if action == "return_result":
        with pytest.raises(TransitionNotAllowed):
            services.return_result(d, actor=cast.clerk_a)
    else:
        d = services.finish(d, actor=cast.specialist_a, note="Quyết định số 12/QĐ")
        with pytest.raises(TransitionNotAllowed):
            services.finish(d, actor=cast.specialist_a, note="Quyết định số 12/QĐ")
    d.refresh_from_db()
    assert d.events.count() == (1 if action == "return_result" else 2)


def test_financial_obligation(cast):
    d = counter(cast)
    with pytest.raises(ValidationFailed):
        services.request_payment(d, actor=cast.specialist_a, amount=-5)
    d = services.request_payment(d, actor=cast.specialist_a, amount=50000)
    assert d.status == Status.FINANCIAL and d.fee_amount == 50000
    d = services.confirm_payment(d, actor=cast.clerk_a, online=1)
    assert d.status == Status.PROCESSING and d.paid_online == 1


def test_withdraw_and_stop(cast):
    d = counter(cast)
    d = services.withdraw(d, actor=cast.clerk_a, reason="Công dân xin rút")
    assert d.status == Status.WITHDRAWN
    d2 = counter(cast)
    with pytest.raises(NotPermitted):
        services.stop(d2, actor=cast.specialist_a, reason="x")
    d2 = services.stop(d2, actor=cast.leader_a, reason="Có tranh chấp")
    assert d2.status == Status.STOPPED and d2.processing_ended_at is not None


def test_applicant_may_withdraw_own_online_dossier(cast):
    d = online_dossier(cast, Applicant(name="B", account=cast.citizen))
    assert services.withdraw(d, actor=cast.citizen, reason="Nộp nhầm").status == Status.WITHDRAWN


def test_apology_with_a_later_date_in_the_future(cast):
    d = counter(cast)  # due 5/3 09:00
    for error, reason, new_appointment_at, when in (
        (ValidationFailed, "Cần xác minh", at(2026, 3, 4, 9), at(2026, 3, 3, 9)),  # not later
        # past due (still owed, test_overdue_apology), but the new date is already past
        (ValidationFailed, "Cần xác minh", at(2026, 3, 6, 9), at(2026, 3, 9, 10)),
        (ValidationFailed, "", at(2026, 3, 10, 9), at(2026, 3, 3, 9)),  # no reason
    ):
        with pytest.raises(error):
            services.apologize(
                d,
                actor=cast.leader_a,
                reason=reason,
                new_appointment_at=new_appointment_at,
                at=when,
            )
    d = services.apologize(
        d,
        actor=cast.leader_a,
        reason="Cần xác minh thực địa",
        new_appointment_at=at(2026, 3, 10, 9),
        at=at(2026, 3, 4, 9),
    )
    assert d.appointment_at == d.due_at == at(2026, 3, 10, 9)
    assert d.initial_appointment_at == at(2026, 3, 5, 9)
    assert d.apology_count == 1
    assert d.events.last().data["previous_appointment_at"].startswith("2026-03-05")


@pytest.mark.parametrize(
    "when",
    [
        at(2026, 3, 8, 10),  # a Sunday
        at(2026, 3, 9, 22),  # a Monday, at night
        at(2026, 3, 9, 12, 30),  # the lunch break
        at(2026, 4, 30, 9),  # Liberation Day, a public holiday
    ],
)
def test_apology_time_outside_working_time_is_refused(cast, when):
    d = counter(cast)  # due 5/3 09:00
    with translation.override("vi"), pytest.raises(ValidationFailed) as refused:
        services.apologize(
            d,
            actor=cast.leader_a,
            reason="Cần xác minh",
            new_appointment_at=when,
            at=at(2026, 3, 3),
        )
    assert refused.value.field == "new_appointment_at"
    assert "ngoài giờ làm việc" in str(refused.value.message)
    d.refresh_from_db()
    assert d.apology_count == 0 and d.events.count() == 1  # nothing half-saved
    # the end of the afternoon window is working time (an appointment at 17:00)
    d = services.apologize(
        d,
        actor=cast.leader_a,
        reason="Cần xác minh",
        new_appointment_at=at(2026, 3, 9, 17),
        at=at(2026, 3, 3),
    )
    assert d.appointment_at == at(2026, 3, 9, 17)


def test_boundary_free_intake_keeps_three_facts(cast):
    d = counter_dossier(
        cast,
        APPLICANT,
        receiving_place=cast.agency_a,
        competent_agency=cast.agency_b,
        at=at(2026, 3, 2, 9),
    )
    assert (d.receiving_place, d.receiving_agency, d.competent_agency) == (
        cast.agency_a,
        cast.agency_a,
        cast.agency_b,
    )
    d = services.transfer(d, actor=cast.clerk_a, to_agency=cast.agency_b)
    assert d.current_agency == cast.agency_b
    # now only B's staff can finish it
    with pytest.raises(NotPermitted):
        services.finish(d, actor=cast.specialist_a, note="Quyết định số 12/QĐ")
    assert (
        services.finish(d, actor=cast.specialist_b, note="Quyết định số 12/QĐ").status
        == Status.FINISHED
    )
    # the result goes back to the receiving counter in A
    assert services.return_result(d, actor=cast.clerk_a).status == Status.RETURNED


def test_competent_agency_must_handle_the_procedure(cast):
    with pytest.raises(ValidationFailed) as err:
        counter_dossier(cast, APPLICANT, competent_agency=cast.agency_c)
    assert err.value.field == "competent_agency"
    assert Dossier.objects.count() == 0


def test_unpublished_procedure_and_missing_name_rejected(cast):
    cast.procedure.status = "DRAFT"
    cast.procedure.save()
    with pytest.raises(ValidationFailed):
        counter(cast)
    cast.procedure.status = "PUBLISHED"
    cast.procedure.save()
    with pytest.raises(ValidationFailed):
        counter_dossier(cast, " ")
    assert Dossier.objects.count() == 0


def test_naive_time_rejected(cast):
    with pytest.raises(ValidationFailed):
        counter(cast, when=dt.datetime(2026, 3, 2, 9))  # noqa: DTZ001


def test_event_log_cannot_be_edited_or_deleted(cast):
    d = counter(cast)
    event = d.events.get()
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises((DatabaseError, IntegrityError)), transaction.atomic():
        DossierEvent.objects.filter(pk=event.pk).update(note="sửa")
    if connection.vendor == "postgresql":  # SQLite (demo) guards updates only, see migration 0002
        with pytest.raises((DatabaseError, IntegrityError)), transaction.atomic():
            DossierEvent.objects.filter(pk=event.pk).delete()
    assert DossierEvent.objects.get(pk=event.pk).note == ""


def test_assignment_is_recorded_on_the_control_slip(cast):
    d = counter(cast)
    d = services.transfer(d, actor=cast.clerk_a, to_agency=cast.agency_a)
    d = services.assign(d, actor=cast.leader_a, assignee=cast.specialist_a)
    assert d.assignee == cast.specialist_a
    ev = d.events.last()
    assert (ev.action, ev.actor, ev.from_status, ev.to_status) == ("assign", cast.leader_a, 4, 4)


def test_replay_accepts_records_that_keep_the_status(cast):
    from cchc.dossiers.lifecycle import Act, fold

    d = counter(cast)
    services.apologize(
        d,
        actor=cast.leader_a,
        reason="Cần xác minh",
        new_appointment_at=at(2026, 3, 10, 9),
        at=at(2026, 3, 3, 9),
    )
    d.refresh_from_db()
    state = fold(
        [Act(e.action, e.at, e.data or {}, e.to_status) for e in d.events.all()],
        calendar=services.calendar_for("01", d.rule_version),
        appointment_at=d.initial_appointment_at,
    )
    assert (state.status, state.appointment_at, state.apology_count) == (2, at(2026, 3, 10, 9), 1)


def test_change_is_announced_after_commit(cast, django_capture_on_commit_callbacks):
    from cchc.dossiers.signals import dossier_changed

    seen = []

    def receiver(sender, **kwargs):
        seen.append(kwargs["action"])

    dossier_changed.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            counter(cast)
        assert seen == ["receive"]
    finally:
        dossier_changed.disconnect(receiver)
