"""Working-day calendar: explicit legal cases and properties of the arithmetic."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cchc.core.calendar import LOCAL_TZ, WorkingCalendar
from cchc.core.models import CalendarException


def at(y, m, d, hh=9, mm=0):
    return dt.datetime(y, m, d, hh, mm, tzinfo=LOCAL_TZ)


@pytest.fixture
def cal():
    return WorkingCalendar()


# -- explicit cases ------------------------------------------------------------------------
def test_tet_2026_is_skipped(cal):
    # Friday 13/2/2026 at 10:00, 3 working days: Tết runs 16-20/2 (Mon-Fri).
    d = cal.due(at(2026, 2, 13, 10), 3, "working_day")
    assert d.due_at == at(2026, 2, 25, 10)
    skipped = {day for day, _why in d.skipped_days}
    assert {dt.date(2026, 2, 16), dt.date(2026, 2, 20)} <= skipped
    assert any("Tết" in line for line in d.lines)


def test_derivation_lines_read_as_sentences_and_name_a_weekend_once(cal):
    """The status page and form 06 list these lines: one began in lower case ("tiếp nhận
    trong giờ làm việc: ..."), and a weekend line named the weekday twice ("Thứ 7 21/11/2026
    không tính: Thứ Bảy")."""
    from django.utils import translation

    with translation.override("vi"):
        d = cal.due(at(2026, 11, 20, 9), 2, "working_day")  # Friday: the weekend in between
        lines = list(d.lines)
    assert not any(line[0].islower() for line in lines), lines
    assert lines[1].startswith("Tiếp nhận trong giờ làm việc")
    weekend = [line for line in lines if "21/11/2026" in line]
    assert len(weekend) == 1 and weekend[0].endswith("không tính: nghỉ cuối tuần"), weekend
    assert "Thứ Bảy" not in " ".join(lines)


def test_cutoff_moves_start_to_next_working_day(cal):
    # Received Friday 13/2/2026 at 16:30, after the 15:00 cut-off: counting starts 23/2.
    d = cal.due(at(2026, 2, 13, 16, 30), 3, "working_day")
    assert d.start_at == at(2026, 2, 23, 8)
    assert d.due_at == at(2026, 2, 25, 17)
    assert any("15:00" in line for line in d.lines)


def test_before_cutoff_counts_from_reception(cal):
    d = cal.due(at(2026, 3, 2, 14, 59), 1, "working_day")
    assert d.start_at == at(2026, 3, 2, 14, 59)
    assert d.due_at == at(2026, 3, 3, 14, 59)


def test_reunification_and_labour_day(cal):
    # Wed 29/4/2026 09:00 + 2 working days: 30/4 (Thu) and 1/5 (Fri) off, weekend -> Tue 5/5.
    assert cal.due(at(2026, 4, 29, 9), 2, "working_day").due_at == at(2026, 5, 5, 9)


def test_national_day_2026_with_substitute(cal):
    # 2026: 31/8 (substituted), 1/9 and 2/9 off; Saturday 22/8 worked instead.
    assert not cal.is_working_day(dt.date(2026, 8, 31))
    assert not cal.is_working_day(dt.date(2026, 9, 1))
    assert not cal.is_working_day(dt.date(2026, 9, 2))
    assert cal.is_working_day(dt.date(2026, 8, 22))  # make-up Saturday
    # Friday 28/8 09:00 + 1 working day -> Thursday 3/9 09:00
    assert cal.due(at(2026, 8, 28, 9), 1, "working_day").due_at == at(2026, 9, 3, 9)


def test_make_up_saturday_counts(cal):
    # Friday 21/8/2026 09:00 + 1 day: Saturday 22/8 is a decreed working day.
    assert cal.due(at(2026, 8, 21, 9), 1, "working_day").due_at == at(2026, 8, 22, 9)


def test_same_day_and_hours(cal):
    assert cal.due(at(2026, 3, 2, 9), 0, "same_day").due_at == at(2026, 3, 2, 17)
    assert cal.due(at(2026, 3, 2, 15, 30), 0, "same_day").due_at == at(2026, 3, 3, 17)
    # 4 working hours from 10:00 crosses the lunch break: 10-12 + 13-15
    assert cal.due(at(2026, 3, 2, 10), 4, "working_hour").due_at == at(2026, 3, 2, 15)


def test_weekend_reception_starts_monday(cal):
    d = cal.due(at(2026, 3, 7, 10), 1, "working_day")  # Saturday
    assert d.start_at == at(2026, 3, 9, 8)
    assert d.due_at == at(2026, 3, 9, 17)


@pytest.mark.django_db
def test_province_exceptions_override_national_calendar():
    CalendarException.objects.create(
        province_code="01", date=dt.date(2026, 3, 3), kind="DAY_OFF", reason="Nghỉ bù"
    )
    CalendarException.objects.create(
        province_code="01", date=dt.date(2026, 3, 7), kind="WORKING_DAY", reason="Làm bù"
    )
    CalendarException.objects.create(
        province_code="79", date=dt.date(2026, 3, 4), kind="DAY_OFF", reason="Khác tỉnh"
    )
    hn = WorkingCalendar.for_province("01")
    assert not hn.is_working_day(dt.date(2026, 3, 3))
    assert hn.is_working_day(dt.date(2026, 3, 7))
    assert hn.is_working_day(dt.date(2026, 3, 4))  # another province's exception does not apply
    assert hn.why_not_working(dt.date(2026, 3, 3)) == "Nghỉ bù"


def test_naive_datetime_refused(cal):
    with pytest.raises(ValueError):
        cal.due(dt.datetime(2026, 3, 2, 9), 1, "working_day")  # noqa: DTZ001


# -- properties ---------------------------------------------------------------------------
moments = st.datetimes(min_value=dt.datetime(2024, 1, 1), max_value=dt.datetime(2027, 12, 1)).map(
    lambda m: m.replace(second=0, microsecond=0, tzinfo=LOCAL_TZ)
)
durations = st.integers(min_value=0, max_value=40 * 8 * 3600)


@settings(max_examples=150, deadline=None)
@given(start=moments, seconds=durations)
def test_adding_then_measuring_gives_back_the_duration(start, seconds):
    cal = WorkingCalendar()
    end = cal.add_working_seconds(start, seconds)
    begin = cal.next_working_instant(start) if seconds else start
    assert cal.working_seconds_between(begin, end) == pytest.approx(seconds)


@settings(max_examples=150, deadline=None)
@given(start=moments, a=durations, b=durations)
def test_adding_is_monotonic_and_additive(start, a, b):
    cal = WorkingCalendar()
    lo, hi = sorted((a, b))
    assert cal.add_working_seconds(start, lo) <= cal.add_working_seconds(start, hi)
    if lo > 0:
        two_steps = cal.add_working_seconds(cal.add_working_seconds(start, lo), hi)
        assert two_steps == cal.add_working_seconds(start, lo + hi)


@settings(max_examples=150, deadline=None)
@given(start=moments, days=st.integers(min_value=1, max_value=30))
def test_due_is_on_a_working_day_within_working_hours(start, days):
    cal = WorkingCalendar()
    due = cal.due(start, days, "working_day").due_at.astimezone(LOCAL_TZ)
    assert cal.is_working_day(due.date())
    assert dt.time(8, 0) < due.time() <= dt.time(17, 0)
    assert due > start


def test_remembered_derivation_is_a_copy_and_follows_the_language(cal):
    from django.utils import translation

    received = dt.datetime(2026, 2, 10, 9, 0, tzinfo=LOCAL_TZ)
    with translation.override("vi"):
        first = cal.due(received, 10, "working_day")
        first.lines.append("ghi chú của người gọi")
        again = cal.due(received, 10, "working_day")
        assert again.due_at == first.due_at
        assert "ghi chú của người gọi" not in again.lines
        assert again.lines == first.lines[:-1]
    with translation.override("en"):
        english = cal.due(received, 10, "working_day")
    assert english.due_at == again.due_at
    assert english.lines != again.lines  # each language its own lines
    fresh = WorkingCalendar()._derive_due(received, 10, "working_day")
    assert fresh.due_at == again.due_at and fresh.skipped_days == again.skipped_days


def test_every_national_holiday_has_a_vietnamese_name():
    """Two names of the holidays package reached the calendar page and the due-date lines in
    English ("Day off (substituted from 08/22/2026)", "International Labor Day (observed)")."""
    import holidays as holidays_lib
    from django.utils import translation

    cal = WorkingCalendar()
    with translation.override("vi"):
        for year in range(2024, 2031):
            for day in holidays_lib.country_holidays("VN", years=[year]):
                name = cal.holiday_name(day)
                assert name and not any(
                    word in name for word in ("Day", "observed", "Year", "substituted")
                ), (day, name)
        assert cal.holiday_name(dt.date(2026, 8, 31)) == (
            "Ngày nghỉ hoán đổi (làm bù ngày 22/08/2026)"
        )
        assert cal.holiday_name(dt.date(2027, 5, 3)) == "Nghỉ bù Ngày Quốc tế Lao động"
