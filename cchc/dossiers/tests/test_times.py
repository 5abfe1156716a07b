"""Issue 16.4: times that respect the law.

The hand-over cut-off that `transfer` promised (rule data: the one-stop rule version's
`cutoff`) is applied: a step handed over after it counts from the next working day. A step's
due time and an appointment are always inside working time by the calendar, and an apology
at a Sunday 22:00 is refused, live and in an imported history alike.
"""

from __future__ import annotations

import datetime as dt

import pytest

from cchc.core.calendar import LOCAL_TZ
from cchc.core.errors import ValidationFailed
from cchc.core.models import RuleVersion
from cchc.dossiers import lifecycle, services
from cchc.dossiers.models import Dossier, DossierStep
from cchc.dossiers.tests.factories import counter_dossier

pytestmark = pytest.mark.django_db


def at(y, m, d, hh=9, mm=0):
    return dt.datetime(y, m, d, hh, mm, tzinfo=LOCAL_TZ)


def counter(cast, when):
    return counter_dossier(cast, "Lê Thị Hoa", at=when)


def step_due(cast, d, when, hours=4.0):
    services.transfer(d, actor=cast.clerk_a, to_agency=cast.agency_a, at=when, hours=hours)
    return DossierStep.objects.filter(dossier=d).latest("seq").due_at


def test_a_hand_over_after_the_cut_off_counts_from_the_next_working_day(cast):
    d = counter(cast, at(2026, 3, 2, 9))  # Monday
    # 15:30 is after the 15:00 cut-off: 4 working hours from Tuesday 08:00, not 10:30
    assert step_due(cast, d, at(2026, 3, 2, 15, 30)) == at(2026, 3, 3, 12)
    # before the cut-off the step counts at once: 14:00 + 3 h Monday + 1 h Tuesday
    assert step_due(cast, d, at(2026, 3, 3, 14)) == at(2026, 3, 4, 9)
    # on a Saturday: from Monday 08:00
    assert step_due(cast, d, at(2026, 3, 7, 10)) == at(2026, 3, 9, 12)


def test_the_cut_off_is_the_rule_versions_data(cast):
    d = counter(cast, at(2026, 3, 2, 9))
    rule = d.rule_version
    assert rule.param("cutoff") == "15:00"
    RuleVersion.objects.filter(pk=rule.pk).update(params={**rule.params, "cutoff": None})
    services.clear_caches()
    try:
        d = Dossier.objects.get(pk=d.pk)
        # no cut-off in the rule: 15:30 + 1.5 h Monday + 2.5 h Tuesday
        assert step_due(cast, d, at(2026, 3, 2, 15, 30)) == at(2026, 3, 3, 10, 30)
    finally:
        services.clear_caches()


def test_step_due_times_and_appointments_are_always_in_working_time(cast):
    d = counter(cast, at(2026, 3, 6, 16, 30))  # Friday after the cut-off
    cal = services.calendar_for("01", d.rule_version)
    assert cal.is_working_time(d.appointment_at), d.appointment_at
    moment = at(2026, 3, 6, 17)
    for hours in (0.5, 1, 3.75, 4, 8, 9.5, 16):  # a hand-over every 5 h around the clock
        for _n in range(5):
            moment += dt.timedelta(hours=5, minutes=13)
            due = step_due(cast, d, moment, hours)
            assert cal.is_working_time(due), (moment, hours, due)
            assert due > moment


def test_an_apology_on_a_sunday_at_22_is_refused_and_nothing_is_saved(cast):
    d = counter(cast, at(2026, 3, 2, 9))
    sunday_night = at(2026, 3, 8, 22)
    with pytest.raises(ValidationFailed) as caught:
        services.apologize(
            d,
            actor=cast.leader_a,
            reason="cần xác minh",
            new_appointment_at=sunday_night,
            at=at(2026, 3, 3, 9),
        )
    assert caught.value.field == "new_appointment_at"
    assert "ngoài giờ làm việc" in caught.value.message  # the test locale is Vietnamese
    d = Dossier.objects.get(pk=d.pk)
    assert (d.apology_count, d.appointment_at, d.events.count()) == (0, at(2026, 3, 5, 9), 1)
    # the step function says the same to an imported history carrying that apology
    cal = services.calendar_for("01", d.rule_version)
    with pytest.raises(lifecycle.Refused) as refused:
        lifecycle.fold(
            [
                lifecycle.Act("", at(2026, 3, 2, 9), {}, 2),
                lifecycle.Act("", at(2026, 3, 3, 9), {"new_appointment_at": sunday_night}, 2),
            ],
            calendar=cal,
            code=d.code,
            appointment_at=d.appointment_at,
        )
    assert (refused.value.entry, refused.value.message) == (2, caught.value.message)


def test_an_imported_apology_on_a_sunday_night_is_refused(tmp_path):
    from cchc.interchange.tests import bundles

    row = bundles.open_dossier("B-SUN")
    row["LichSu"].append(
        {
            "TrangThai": 4,
            "ThoiDiem": "2026-03-02T11:00:00+07:00",
            "DonVi": "H26.900",
            "GhiChu": "xin lỗi",
            "NgayHenTraMoi": "2026-03-08T22:00:00+07:00",
        }
    )
    ok, _lines, err = bundles.run_import(bundles.write(tmp_path, dossiers=[row]))
    assert not ok
    assert "LichSu mục 4" in err and "ngoài giờ làm việc" in err, err
    assert not Dossier.objects.filter(code="B-SUN").exists()


def test_a_dossier_keeps_its_time_limit_after_the_procedure_is_edited(cast):
    """Editing a procedure from 3 to 1 working day made a dossier received before show
    '1 ngày làm việc', a due date it never had and an 'appointment changed (apology)' line
    for an apology nobody wrote (catalogue walk). The derivation uses the terms in force
    when the dossier was received."""
    from django.utils import translation

    from cchc.catalogue import services as catalogue

    d = counter_dossier(cast)  # the cast's procedure: 3 working days
    before = services.due_derivation(d)
    assert before is not None and before.due_at == d.initial_appointment_at
    catalogue.update_procedure(
        d.procedure,
        actor=cast.province_admin,
        data={"processing_time": 1},
        decision="1234/QĐ-UBND",  # a published procedure is amended by a decision
        decided_on=d.received_at.date(),
    )
    d = Dossier.objects.select_related("procedure", "receiving_agency").get(pk=d.pk)
    with translation.override("vi"):
        after = services.due_derivation(d)
    assert after is not None and after.due_at == before.due_at == d.appointment_at
    text = " ".join(str(line) for line in after.lines)
    assert "3 ngày làm việc" in text and "xin lỗi" not in text, text
    # a dossier received now takes the new limit
    cast.procedure.refresh_from_db()
    fresh = counter_dossier(cast)
    assert fresh.initial_appointment_at < d.initial_appointment_at + dt.timedelta(days=30)
    assert "1 ngày làm việc" in " ".join(str(x) for x in services.due_derivation(fresh).lines)
