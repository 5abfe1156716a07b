import datetime as dt
import typing

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cchc.agencies.models import Agency
from cchc.core.actors import MissingActor
from cchc.core.errors import NotPermitted, TransitionNotAllowed, ValidationFailed
from cchc.plans import services
from cchc.plans.models import Task, TaskEvent, TaskStatus

D = dt.date
pytestmark = pytest.mark.django_db


def _file(name="bao-cao.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4 test", content_type="application/pdf")


def test_life_of_a_task_is_a_log_of_events(cast, assign, freezer):
    freezer.move_to("2026-03-01 10:00:00+07:00")
    task = assign(evidence_required=True, co_agencies=[cast.agency_b])
    services.acknowledge(task, actor=cast.leader_a)
    services.report_progress(
        task, actor=cast.specialist_a, text="Đã rà soát 50%", percent=50, files=[_file()]
    )
    services.report_progress(task, actor=cast.clerk_b, text="Sở Tư pháp góp ý")  # co-operating unit
    with pytest.raises(ValidationFailed, match="minh chứng"):
        services.complete(task, actor=cast.leader_a, result="Xong")
    services.complete(
        task, actor=cast.leader_a, result="Đã ban hành quy trình", files=[_file("qd.pdf")]
    )
    task.refresh_from_db()
    assert task.status == TaskStatus.SUBMITTED and task.completed_on == D(2026, 3, 1)
    services.send_back(task, actor=cast.province_admin, reason="Thiếu phụ lục")
    task.refresh_from_db()
    assert task.completed_on is None and task.status == TaskStatus.IN_PROGRESS
    services.complete(
        task, actor=cast.leader_a, result="Bổ sung phụ lục", evidence_link="https://vb.example.vn/1"
    )
    services.verify(task, actor=cast.province_admin)
    actions = list(
        TaskEvent.objects.filter(task=task).order_by("seq").values_list("action", flat=True)
    )
    assert actions == [
        "assign",
        "acknowledge",
        "progress",
        "progress",
        "complete",
        "send_back",
        "complete",
        "verify",
    ]
    assert all(e.actor_label for e in TaskEvent.objects.filter(task=task))
    assert task.files.count() == 2


def test_actor_is_required(cast, assign):
    task = assign()
    with pytest.raises(MissingActor):
        services.acknowledge(task, actor=None)


def test_refusals(cast, assign):
    with pytest.raises(ValidationFailed, match="trước ngày giao"):
        assign(deadline=D(2026, 1, 1))
    assert not Task.objects.exists()
    with pytest.raises(NotPermitted):
        assign(actor=cast.leader_a)
    task = assign()
    with pytest.raises(NotPermitted):
        services.acknowledge(task, actor=cast.outsider)
    with pytest.raises(NotPermitted):
        services.verify(task, actor=cast.leader_a)
    services.acknowledge(task, actor=cast.clerk_a)
    with pytest.raises(TransitionNotAllowed):
        services.acknowledge(task, actor=cast.clerk_a)
    with pytest.raises(TransitionNotAllowed):
        services.verify(task, actor=cast.province_admin)


def ask_extension_in_time(task, cast):
    """The lead unit's leader asks, before the 30 June deadline, for 30 July."""
    return services.request_extension(
        task,
        actor=cast.leader_a,
        new_deadline=D(2026, 7, 30),
        reason="Chờ số liệu",
        on=D(2026, 6, 25),
    )


def test_extension_asked_after_deadline_is_refused_and_late_approval_does_not_count(cast, assign):
    task = assign()
    with pytest.raises(ValidationFailed, match="Đã quá thời hạn"):
        services.request_extension(
            task, actor=cast.leader_a, new_deadline=D(2026, 7, 30), reason="x", on=D(2026, 7, 1)
        )
    ext = ask_extension_in_time(task, cast)
    with pytest.raises(NotPermitted):
        services.decide_extension(ext, actor=cast.leader_a, approve=True, on=D(2026, 6, 26))
    services.decide_extension(ext, actor=cast.province_admin, approve=True, on=D(2026, 7, 2))
    task.refresh_from_db()
    assert task.deadline_in_force == D(2026, 6, 30)  # approved too late: does not count
    with pytest.raises(TransitionNotAllowed):
        services.decide_extension(ext, actor=cast.province_admin, approve=False)


def test_extension_approved_in_time_moves_the_deadline(cast, assign):
    task = assign()
    ext = ask_extension_in_time(task, cast)
    services.decide_extension(ext, actor=cast.province_admin, approve=True, on=D(2026, 6, 28))
    task.refresh_from_db()
    assert task.deadline_in_force == D(2026, 7, 30)
    assert task.status_on(D(2026, 7, 15)) == "within_deadline"
    assert task.status_on(D(2026, 7, 31)) == "overdue"


def test_roll_up_of_children(cast, assign, freezer):
    freezer.move_to("2026-03-01 10:00:00+07:00")
    parent = assign(title="Cha")
    a = assign(title="Con 1", parent=parent)
    b = assign(title="Con 2", parent=parent)
    services.report_progress(a, actor=cast.leader_a, text="một nửa", percent=50)
    parent.refresh_from_db()
    assert parent.progress == 25
    services.complete(b, actor=cast.leader_a, result="xong")
    parent.refresh_from_db()
    assert parent.progress == 75
    assert services.progress_of(parent) == {"percent": 75, "source": "children"}
    with pytest.raises(TransitionNotAllowed):
        services.complete(parent, actor=cast.leader_a, result="xong")


def test_periodic_task_creates_period_reports(cast, assign):
    task = assign(recurrence="QUARTERLY", assigned_on=D(2026, 1, 15), deadline=D(2026, 12, 31))
    deadlines = list(task.children.order_by("deadline").values_list("deadline", flat=True))
    assert deadlines == [D(2026, 3, 31), D(2026, 6, 30), D(2026, 9, 30), D(2026, 12, 31)]


def test_merged_unit_resolves_to_successor_and_vanished_unit_is_refused(cast, assign):
    from cchc.testing import AgencyFactory

    old = typing.cast(
        Agency,
        AgencyFactory(
            code="H26.OLD", name="Quận cũ", valid_from=D(2020, 1, 1), valid_to=D(2025, 6, 30)
        ),
    )
    old.successors.add(cast.agency_a)
    task = assign(lead_agency=old)
    assert task.lead_agency == cast.agency_a
    assert TaskEvent.objects.get(task=task).data["resolved_from"] == "H26.OLD"
    gone = AgencyFactory(
        code="H26.GONE", name="Đã giải thể", valid_from=D(2020, 1, 1), valid_to=D(2025, 6, 30)
    )
    with pytest.raises(ValidationFailed, match="H26.GONE"):
        assign(lead_agency=gone)


def test_measure_linked_task_takes_progress_from_the_measure(cast, assign, settings):
    settings.PLATFORM_MEASURES = {
        **settings.PLATFORM_MEASURES,
        "fake_rate": "cchc.plans.tests.fake_measure.fake",
    }
    task = assign(measure_name="fake_rate", measure_target=95, measure_period="2026-Q3")
    got = services.progress_of(task)
    assert got["source"] == "measure" and got["percent"] == 90  # 85.5 / 95
    with pytest.raises(ValidationFailed):
        services.report_progress(task, actor=cast.leader_a, text="x", percent=40)
    with pytest.raises(ValidationFailed):
        assign(measure_name="no_such_measure", measure_target=90)


def test_a_sent_back_completion_no_longer_counts_in_the_progress(cast, assign):
    """The completion set 100 %; refused, the task shows the progress reported before it, and
    its parent's roll-up stops counting it as done (domain.md §10)."""
    parent = assign(title="Kế hoạch rà soát")
    task = assign(parent=parent, deadline=D(2026, 3, 31))
    assign(parent=parent, deadline=D(2026, 3, 31), title="Việc thứ hai")
    services.report_progress(task, actor=cast.leader_a, text="Đã rà soát 60%", percent=60)
    services.complete(task, actor=cast.leader_a, result="Xong")
    task.refresh_from_db()
    assert services.progress_of(task)["percent"] == 100
    services.send_back(task, actor=cast.province_admin, reason="Thiếu phụ lục")
    task.refresh_from_db()
    parent.refresh_from_db()
    assert task.progress == 60
    assert services.progress_of(task) == {"percent": 60, "source": "typed"}
    assert parent.progress == 30  # (60 + 0) / 2, not (100 + 0) / 2
