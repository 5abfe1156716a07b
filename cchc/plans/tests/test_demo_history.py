"""The demo's tasks and inspections tell their history at the dates of the story: a task
assigned on 08/10 has its "assigned" row on 08/10, not at the time the demo was seeded."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from cchc.plans import services
from cchc.plans.inspection_models import Inspection
from cchc.plans.models import Task, TaskEvent

pytestmark = pytest.mark.django_db


def _day(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date()


def test_demo_history_stands_at_the_records_dates(cast):
    call_command("seed_plans_demo", stdout=StringIO())
    tasks = list(Task.objects.all())
    assert len(tasks) > 60
    for task in tasks:
        assign = task.events.get(action="assign")
        assert _day(assign.at) == task.assigned_on, task.code
    for ev in TaskEvent.objects.filter(action="complete").select_related("task"):
        assert _day(ev.at) == dt.date.fromisoformat(ev.data["completed_on"]), ev.task.code
    inspected = list(Inspection.objects.filter(inspected_on__isnull=False))
    assert inspected
    for insp in inspected:
        record = insp.events.get(action="record")
        assert _day(record.at) == insp.inspected_on, insp.code
        assert _day(insp.events.get(action="conclude").at) == insp.concluded_on
        assert insp.events.get(action="schedule").at <= record.at
    # the times stand in the order of the steps, and none is in the future
    now = timezone.now()
    for task in tasks:
        times = list(task.events.order_by("seq").values_list("at", flat=True))
        assert times == sorted(times) and times[-1] <= now, task.code


def test_recorded_at_is_only_inside_its_block(cast, assign):
    when = timezone.make_aware(dt.datetime(2026, 2, 3, 9, 0))
    with services.recorded_at(when):
        task = assign(assigned_on=dt.date(2026, 2, 3))
    services.acknowledge(task, actor=cast.leader_a)
    assign_ev, ack = task.events.order_by("seq")
    assert assign_ev.at == when
    assert ack.at > when and _day(ack.at) == timezone.localdate()
