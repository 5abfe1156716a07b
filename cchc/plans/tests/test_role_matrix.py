"""Issue 15 point 8: who may do what with tasks and inspections, allowed and refused.

Roles on a task assigned by Home Affairs to unit A, with unit B co-operating and unit C
observing: the assigner (province administrator), the lead unit (leader_a), the co-operating
unit (clerk_b), the observer (outsider, of unit C), the inspector and a citizen. Every action
is tried by every role on fresh data; a refusal raises NotPermitted and writes nothing."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from cchc.core.errors import NotPermitted
from cchc.plans import inspections as isvc
from cchc.plans import policies, services
from cchc.plans.inspection_models import FindingEvent, InspectionEvent
from cchc.plans.models import Extension, TaskEvent
from cchc.plans.tests.stories import complete_corrective_task

D = dt.date
pytestmark = pytest.mark.django_db

ROLES = {
    "assigner": "province_admin",
    "lead": "leader_a",
    "co_operating": "clerk_b",
    "observer": "outsider",
    "inspector": "inspector",
    "citizen": "citizen",
}

# action -> roles allowed
EXPECTED = {
    "assign": {"assigner"},
    "acknowledge": {"lead"},
    "report_progress": {"lead", "co_operating"},
    "complete": {"lead"},
    "request_extension": {"lead"},
    "verify": {"assigner"},
    "send_back": {"assigner"},
    "decide_extension": {"assigner"},
    "schedule_inspection": {"assigner", "inspector"},
    "record_inspection": {"assigner", "inspector"},
    "raise_finding": {"assigner", "inspector"},
    "reinspect": {"assigner", "inspector"},
    "self_report": {"lead"},
}


def _writes() -> int:
    return (
        TaskEvent.objects.count()
        + InspectionEvent.objects.count()
        + FindingEvent.objects.count()
        + Extension.objects.count()
    )


class Actions:
    """Each action prepares its own data (by the roles allowed to), then runs as `user`."""

    def __init__(self, cast, assign):
        self.cast, self.assign = cast, assign

    def _task(self, **kw):
        return self.assign(
            co_agencies=[self.cast.agency_b],
            observer_agencies=[self.cast.agency_c],
            deadline=D(2099, 12, 31),
            **kw,
        )

    def _submitted(self):
        task = self._task()
        return services.complete(task, actor=self.cast.leader_a, result="Đã xong")

    def _inspection(self):
        return isvc.schedule_inspection(
            actor=self.cast.inspector,
            agency=self.cast.agency_a,
            scheduled_on=D(2026, 5, 10),
            checklist=["Niêm yết TTHC"],
        )

    def prepare(self, action):
        c = self.cast
        if action in ("acknowledge", "report_progress", "complete", "request_extension"):
            return self._task()
        if action in ("verify", "send_back"):
            return self._submitted()
        if action == "decide_extension":
            return services.request_extension(
                self._task(),
                actor=c.leader_a,
                new_deadline=D(2100, 3, 31),
                reason="Chờ ý kiến bộ",
                on=D(2026, 3, 1),
            )
        if action in ("record_inspection", "self_report"):
            return self._inspection()
        if action == "reinspect":
            finding = isvc.raise_finding(
                actor=c.inspector, agency=c.agency_a, severity="LOW", description="Thiếu sổ"
            )
            complete_corrective_task(
                finding, actor=c.leader_a, result="Đã lập sổ", evidence_link="https://example.vn/so"
            )
            return finding
        return None

    def run(self, action, obj, user):
        c = self.cast
        if action == "assign":
            return self.assign(actor=user)
        if action == "acknowledge":
            return services.acknowledge(obj, actor=user)
        if action == "report_progress":
            return services.report_progress(obj, actor=user, text="Đã rà soát", percent=40)
        if action == "complete":
            return services.complete(obj, actor=user, result="Đã xong")
        if action == "request_extension":
            return services.request_extension(
                obj, actor=user, new_deadline=D(2100, 3, 31), reason="Chờ", on=D(2026, 3, 1)
            )
        if action == "verify":
            return services.verify(obj, actor=user)
        if action == "send_back":
            return services.send_back(obj, actor=user, reason="Thiếu minh chứng")
        if action == "decide_extension":
            return services.decide_extension(obj, actor=user, approve=True, on=D(2026, 3, 2))
        if action == "schedule_inspection":
            return isvc.schedule_inspection(
                actor=user, agency=c.agency_a, scheduled_on=D(2026, 6, 1), checklist=["A"]
            )
        if action == "record_inspection":
            return isvc.record_inspection(obj, actor=user, results={"C01": {"result": "PASS"}})
        if action == "raise_finding":
            return isvc.raise_finding(
                actor=user, agency=c.agency_a, severity="LOW", description="Thiếu niêm yết"
            )
        if action == "reinspect":
            return isvc.reinspect_finding(obj, actor=user, closed=True)
        if action == "self_report":
            report = SimpleUploadedFile("tu-kiem-tra.pdf", b"%PDF-1.4", "application/pdf")
            return isvc.upload_self_report(obj, actor=user, file=report)
        raise AssertionError(action)


@pytest.mark.parametrize("action", sorted(EXPECTED))
def test_role_matrix(cast, assign, action):
    actions = Actions(cast, assign)
    outcome = {}
    for role, name in ROLES.items():
        obj = actions.prepare(action)
        before = _writes()
        try:
            with transaction.atomic():
                actions.run(action, obj, getattr(cast, name))
        except NotPermitted:
            assert _writes() == before, (action, role, "a refusal wrote something")
            outcome[role] = False
        else:
            assert _writes() > before, (action, role, "allowed but nothing recorded")
            outcome[role] = True
    assert {r for r, ok in outcome.items() if ok} == EXPECTED[action], outcome


def test_who_sees_the_task(cast, assign):
    task = assign(co_agencies=[cast.agency_b], observer_agencies=[cast.agency_c])
    seen = {
        role for role, name in ROLES.items() if policies.can_see_task(getattr(cast, name), task)
    }
    assert seen == {"assigner", "lead", "co_operating", "observer", "inspector"}
    assert not policies.can_see_task(cast.leader_b, assign(lead_agency=cast.agency_c))


def test_the_inspector_records_inspections_but_cannot_change_dossiers(cast):
    from cchc.dossiers import services as dossiers
    from cchc.dossiers.services import Applicant

    insp = isvc.schedule_inspection(
        actor=cast.inspector, agency=cast.agency_a, scheduled_on=D(2026, 5, 10), checklist=["A"]
    )
    isvc.record_inspection(insp, actor=cast.inspector, results={"C01": {"result": "FAIL"}})
    d = dossiers.intake_at_counter(
        procedure=cast.procedure,
        receiving_agency=cast.agency_a,
        applicant=Applicant(name="Nguyễn Văn An"),
        actor=cast.clerk_a,
    )
    for change in (
        lambda: dossiers.finish(d, actor=cast.inspector, note="Quyết định số 12/QĐ"),
        lambda: dossiers.transfer(d, actor=cast.inspector, to_agency=cast.agency_b),
        lambda: dossiers.request_supplement(d, actor=cast.inspector, reason="Thiếu tờ khai"),
    ):
        with pytest.raises(NotPermitted):
            change()
    d.refresh_from_db()
    assert d.events.count() == 1
