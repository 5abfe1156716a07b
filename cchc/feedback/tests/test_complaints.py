import datetime as dt

import pytest

from cchc.core.calendar import LOCAL_TZ
from cchc.core.errors import NotPermitted, TransitionNotAllowed
from cchc.core.models import RuleVersion
from cchc.feedback import complaints
from cchc.feedback.models import ComplaintStatus

AT = dt.datetime(2026, 3, 2, 9, 0, tzinfo=LOCAL_TZ)  # a Monday


def new(cast, kind="COMPLAINT", **kw):
    return complaints.file_complaint(
        actor=cast.leader_a,
        kind=kind,
        agency=cast.agency_a,
        complainant_name="Phạm Văn D",
        subject="Quyết định thu hồi đất số 5",
        content="Không đồng ý mức bồi thường",
        at=AT,
        **kw,
    )


def test_complaint_deadlines_from_the_rule_version(cast):
    c = new(cast)
    assert c.code == "KN-2026-000001" and c.rule_version.key == "complaint"
    # 10 days to accept: Thursday 12/3/2026, end of the working day
    assert c.accept_due_at.astimezone(LOCAL_TZ) == dt.datetime(2026, 3, 12, 17, 0, tzinfo=LOCAL_TZ)
    c = complaints.accept_complaint(c, actor=cast.leader_a, at=AT)
    # 30 days from acceptance: 1/4/2026 (Wednesday)
    assert c.settle_due_at.astimezone(LOCAL_TZ).date() == dt.date(2026, 4, 1)
    remote = complaints.accept_complaint(
        new(cast, remote_area=True), actor=cast.leader_a, complexity=1, at=AT
    )
    assert remote.settle_due_at.astimezone(LOCAL_TZ).date() == dt.date(
        2026, 5, 4
    )  # 60 days: 1/5 is a holiday, 2-3/5 weekend
    with pytest.raises(TransitionNotAllowed):
        complaints.extend_complaint(
            c, actor=cast.leader_a, reason="Phức tạp"
        )  # complaints: no extension rule


def test_denunciation_extensions_follow_complexity(cast):
    d = new(cast, kind="DENUNCIATION")
    assert d.code.startswith("TC-2026-")
    d = complaints.accept_complaint(d, actor=cast.leader_a, complexity=1, at=AT)
    due = d.settle_due_at
    d = complaints.extend_complaint(d, actor=cast.leader_a, reason="Vụ việc phức tạp")
    assert d.settle_due_at > due + dt.timedelta(days=29) and d.extensions == 1
    with pytest.raises(TransitionNotAllowed):
        complaints.extend_complaint(d, actor=cast.leader_a, reason="Lần hai")
    d = complaints.settle_complaint(d, actor=cast.leader_a, outcome="Tố cáo đúng một phần")
    assert d.status == ComplaintStatus.SETTLED
    assert list(d.events.values_list("action", flat=True)) == ["file", "accept", "extend", "settle"]


def test_rule_params_are_data(cast):
    rule = RuleVersion.objects.get(key="complaint")
    rule.params["complaint"]["accept_days"] = 5
    rule.save()
    c = new(cast)
    assert c.accept_due_at.astimezone(LOCAL_TZ).date() == dt.date(2026, 3, 9)


def test_only_leaders_and_province_admin_act(cast):
    for actor in (cast.clerk_a, cast.specialist_a, cast.leader_b, cast.inspector):
        with pytest.raises(NotPermitted):
            complaints.file_complaint(
                actor=actor,
                kind="COMPLAINT",
                agency=cast.agency_a,
                complainant_name="X",
                subject="Y",
                content="Z",
            )
    c = complaints.file_complaint(
        actor=cast.province_admin,
        kind="COMPLAINT",
        agency=cast.agency_a,
        complainant_name="X",
        subject="Y",
        content="Z",
    )
    with pytest.raises(NotPermitted):
        complaints.accept_complaint(c, actor=cast.inspector)
    complaints.refuse_complaint(c, actor=cast.leader_a, reason="Đã hết thời hiệu khiếu nại")
    c.refresh_from_db()
    assert c.status == ComplaintStatus.NOT_ACCEPTED
