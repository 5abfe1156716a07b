import datetime as dt

import pytest
from django.db import DatabaseError, IntegrityError, transaction

from cchc.core.models import RuleVersion
from cchc.plans import inspections as isvc
from cchc.plans import reports, services
from cchc.plans.models import TaskEvent
from cchc.plans.tests.stories import complete_corrective_task

D = dt.date
pytestmark = pytest.mark.django_db


def test_finding_raised_from_a_dossier_keeps_the_link_and_targets_the_competent_unit(cast):
    from cchc.dossiers import services as dossiers
    from cchc.dossiers.services import Applicant

    d = dossiers.submit_online(
        procedure=cast.procedure,
        receiving_agency=cast.agency_a,
        applicant=Applicant(name="Trần Thị B", account=cast.citizen),
        actor=cast.citizen,
    )
    f = isvc.raise_finding(
        actor=cast.inspector,
        severity="MEDIUM",
        description="Hồ sơ bị yêu cầu bổ sung giấy tờ không có trong quy định",
        subject_kind="dossier",
        subject_ref=d.code,
    )
    assert f.agency == (d.competent_agency or d.receiving_agency)
    assert f.subject_ref == d.code
    assert f.corrective_task is not None and f.corrective_task.lead_agency == f.agency
    # the petition/evaluation/metric kinds refuse unknown codes with a Vietnamese message
    with pytest.raises(Exception, match="chưa có đánh giá"):
        isvc.raise_finding(
            actor=cast.inspector,
            severity="LOW",
            description="x",
            subject_kind="evaluation",
            subject_ref=d.code,
        )


def test_tasks_on_time_measure_for_par(cast, assign, settings):
    from cchc.indices.measures import available, measure

    assert "tasks_on_time" in available()
    t1 = assign(deadline=D(2026, 8, 15), assigned_on=D(2026, 7, 1))
    t2 = assign(deadline=D(2026, 9, 10), assigned_on=D(2026, 7, 1))
    assign(deadline=D(2026, 11, 10), assigned_on=D(2026, 7, 1))  # another quarter
    services.complete(t1, actor=cast.leader_a, result="xong", completed_on=D(2026, 8, 10))
    services.complete(t2, actor=cast.leader_a, result="xong", completed_on=D(2026, 9, 20))
    m = measure("tasks_on_time", agency_code=cast.agency_a.code, period="2026-Q3")
    assert (m.numerator, m.denominator, m.value) == (1.0, 2.0, 50.0)
    assert m.evidence_url.startswith("/plans/don-vi/H26.100/")


def test_emulation_rule_is_data(cast, assign):
    t = assign(assigned_on=D(2026, 1, 5), deadline=D(2026, 2, 1))
    assign(assigned_on=D(2026, 1, 5), deadline=D(2026, 2, 1), lead_agency=cast.agency_b)
    services.complete(t, actor=cast.leader_a, result="xong", completed_on=D(2026, 1, 20))
    rows = {r["code"]: r for r in reports.emulation(2026, as_of=D(2026, 12, 31))}
    assert rows["H26.100"]["score"] == 100.0 and rows["H26.01"]["score"] == 0.0
    rule = RuleVersion.objects.get(key="plans")
    params = dict(rule.params)
    params["emulation"] = {
        **params["emulation"],
        "children": [
            {"code": "ON_TIME", "name": "Đúng hạn", "weight": 0.5},
            {"code": "COMPLETION", "name": "Hoàn thành", "weight": 0.2},
        ],
    }
    RuleVersion.objects.create(
        key="plans",
        version="2026b",
        effective_from=D(2026, 6, 1),
        legal_source="thử",
        params=params,
    )
    rows = {r["code"]: r for r in reports.emulation(2026, as_of=D(2026, 12, 31))}
    assert rows["H26.100"]["score"] == 70.0


def test_task_events_are_append_only(cast, assign):
    assign()
    ev = TaskEvent.objects.order_by("pk")[0]
    with pytest.raises(PermissionError):
        ev.save()
    with pytest.raises((DatabaseError, IntegrityError)), transaction.atomic():
        TaskEvent.objects.filter(pk=ev.pk).update(note="changed")


def test_findings_closed_measure(cast, assign):
    from cchc.indices.measures import measure

    f = isvc.raise_finding(
        actor=cast.inspector,
        severity="LOW",
        description="Sổ ghi thiếu",
        agency=cast.agency_a,
        found_on=D(2026, 8, 1),
    )
    isvc.raise_finding(
        actor=cast.inspector,
        severity="LOW",
        description="Thiếu niêm yết",
        agency=cast.agency_a,
        found_on=D(2026, 8, 2),
    )
    complete_corrective_task(
        f,
        actor=cast.leader_a,
        result="xong",
        evidence_link="https://x.vn/1",
        completed_on=D(2026, 8, 10),
    )
    isvc.reinspect_finding(f, actor=cast.inspector, closed=True)
    m = measure("findings_closed", agency_code="H26.100", period="2026-Q3")
    assert (m.numerator, m.denominator, m.value) == (1.0, 2.0, 50.0)
