import datetime as dt
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as s

from cchc.plans import status as st

D = dt.date


def test_vocabulary_as_of_dates():
    kw: dict[str, Any] = dict(assigned_on=D(2026, 1, 15), deadline=D(2026, 6, 30), approvals=[])
    assert st.status_as_of(**kw, completed_on=None, as_of=D(2026, 1, 1)) is None
    assert st.status_as_of(**kw, completed_on=None, as_of=D(2026, 6, 30)) == st.WITHIN_DEADLINE
    assert st.status_as_of(**kw, completed_on=None, as_of=D(2026, 7, 1)) == st.OVERDUE
    assert (
        st.status_as_of(**kw, completed_on=D(2026, 6, 30), as_of=D(2026, 12, 31)) == st.DONE_ON_TIME
    )
    assert st.status_as_of(**kw, completed_on=D(2026, 7, 10), as_of=D(2026, 12, 31)) == st.DONE_LATE
    # completed after D: as of D it was not done yet
    assert st.status_as_of(**kw, completed_on=D(2026, 7, 10), as_of=D(2026, 7, 5)) == st.OVERDUE


def test_extension_in_time_counts_late_one_does_not():
    base: dict[str, Any] = dict(
        assigned_on=D(2026, 1, 15), deadline=D(2026, 6, 30), completed_on=D(2026, 7, 10)
    )
    in_time = [(D(2026, 6, 20), D(2026, 7, 15))]
    late = [(D(2026, 7, 2), D(2026, 7, 15))]
    assert st.status_as_of(**base, approvals=in_time, as_of=D(2026, 12, 31)) == st.DONE_ON_TIME
    assert st.status_as_of(**base, approvals=late, as_of=D(2026, 12, 31)) == st.DONE_LATE
    # an approval after D is not known as of D
    assert st.deadline_as_of(D(2026, 6, 30), in_time, D(2026, 6, 19)) == D(2026, 6, 30)
    assert st.deadline_as_of(D(2026, 6, 30), in_time, D(2026, 6, 20)) == D(2026, 7, 15)
    # a chain: the second approval is judged against the extended deadline
    chain = [(D(2026, 6, 20), D(2026, 7, 15)), (D(2026, 7, 10), D(2026, 8, 1))]
    assert st.deadline_as_of(D(2026, 6, 30), chain, D(2026, 12, 31)) == D(2026, 8, 1)


@settings(deadline=None)
@given(
    s.dates(min_value=D(2025, 1, 1), max_value=D(2027, 1, 1)),
    s.integers(0, 200),
    s.one_of(s.none(), s.integers(0, 300)),
    s.dates(min_value=D(2025, 1, 1), max_value=D(2028, 1, 1)),
)
def test_status_is_always_one_word_of_the_vocabulary(assigned, span, done_after, as_of):
    deadline = assigned + dt.timedelta(days=span)
    done = None if done_after is None else assigned + dt.timedelta(days=done_after)
    got = st.status_as_of(
        assigned_on=assigned, deadline=deadline, approvals=[], completed_on=done, as_of=as_of
    )
    if assigned > as_of:
        assert got is None
    else:
        assert got in st.VOCABULARY
        assert (got in (st.DONE_ON_TIME, st.DONE_LATE)) == (done is not None and done <= as_of)
