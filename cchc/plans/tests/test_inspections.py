import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cchc.core.errors import NotPermitted, TransitionNotAllowed, ValidationFailed
from cchc.plans import inspections as svc
from cchc.plans import services
from cchc.plans.inspection_models import (
    FindingEvent,
    FindingStatus,
    InspectionEvent,
    InspectionStatus,
)
from cchc.plans.models import TaskStatus

D = dt.date
pytestmark = pytest.mark.django_db

CHECKLIST = [
    {"code": "NIEM_YET", "label": "Niêm yết công khai TTHC"},
    {"code": "MOT_CUA", "label": "Bộ phận một cửa, số hóa khi tiếp nhận"},
    {"code": "SO_THEO_DOI", "label": "Sổ theo dõi hồ sơ"},
]


def _pdf(name="bc.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4", content_type="application/pdf")


def test_inspection_from_plan_to_reinspection(cast, freezer):
    freezer.move_to("2026-05-20")
    plan = svc.create_inspection_plan(
        actor=cast.inspector,
        code="KH-KT-2026",
        year=2026,
        title="Kiểm tra CCHC 2026",
        checklist=CHECKLIST,
    )
    assert (plan.created_by, plan.created_by_label) == (
        cast.inspector,
        cast.inspector.display_name,
    )
    insp = svc.schedule_inspection(
        actor=cast.inspector,
        agency=cast.agency_a,
        scheduled_on=D(2026, 5, 10),
        plan=plan,
        team=[cast.inspector],
    )
    assert not insp.surprise and len(insp.checklist) == 3
    with pytest.raises(NotPermitted):
        svc.upload_self_report(insp, actor=cast.outsider, file=_pdf())
    svc.upload_self_report(insp, actor=cast.leader_a, file=_pdf())
    results = {i["code"]: {"result": "PASS"} for i in CHECKLIST}
    results["NIEM_YET"] = {"result": "FAIL", "note": "Thiếu 3 TTHC"}
    svc.record_inspection(insp, actor=cast.inspector, results=results, inspected_on=D(2026, 5, 10))
    f1 = svc.raise_finding(
        actor=cast.inspector,
        inspection=insp,
        severity="MEDIUM",
        description="Chưa niêm yết đủ TTHC",
        responsible_person="Ông A",
        found_on=D(2026, 5, 10),
    )
    f2 = svc.raise_finding(
        actor=cast.inspector,
        inspection=insp,
        severity="LOW",
        description="Sổ theo dõi ghi thiếu",
        found_on=D(2026, 5, 10),
    )
    svc.conclude(
        insp,
        actor=cast.inspector,
        conclusion="Khắc phục trong 15 ngày",
        concluded_on=D(2026, 5, 12),
    )
    insp.refresh_from_db()
    assert insp.remediation_due == D(2026, 5, 27)
    f1.refresh_from_db()
    f2.refresh_from_db()
    task, task2 = f1.corrective_task, f2.corrective_task
    assert task is not None and task2 is not None
    assert task.lead_agency == cast.agency_a and task.deadline == D(2026, 5, 27)
    with pytest.raises(TransitionNotAllowed):
        svc.reinspect_finding(f1, actor=cast.inspector, closed=True)  # no evidence yet
    services.complete(task, actor=cast.leader_a, result="Đã niêm yết", files=[_pdf("anh.pdf")])
    services.complete(task2, actor=cast.leader_a, result="Đã ghi sổ", files=[_pdf()])
    svc.reinspect_finding(f1, actor=cast.inspector, closed=True)
    svc.reinspect_finding(f2, actor=cast.inspector, closed=False, note="Chưa đạt")
    f1.refresh_from_db()
    f2.refresh_from_db()
    task.refresh_from_db()
    task2.refresh_from_db()
    assert f1.status == FindingStatus.CLOSED and task.status == TaskStatus.VERIFIED
    assert f2.status == FindingStatus.REOPENED and task2.completed_on is None
    with pytest.raises(TransitionNotAllowed, match="F|đã|already"):
        svc.reinspect_finding(f1, actor=cast.inspector, closed=True)
    insp.refresh_from_db()
    assert insp.status == InspectionStatus.REINSPECTED
    assert list(
        InspectionEvent.objects.filter(inspection=insp).values_list("action", flat=True)
    ) == [
        "schedule",
        "self_report",
        "record",
        "finding",
        "finding",
        "conclude",
        "reinspect",
    ]
    assert FindingEvent.objects.filter(finding=f1).count() == 3


def test_record_needs_every_item_and_staff_cannot_inspect(cast):
    insp = svc.schedule_inspection(
        actor=cast.inspector, agency=cast.agency_b, scheduled_on=D(2026, 6, 1), checklist=CHECKLIST
    )
    assert insp.surprise
    with pytest.raises(ValidationFailed):
        svc.record_inspection(insp, actor=cast.inspector, results={"NIEM_YET": {"result": "PASS"}})
    with pytest.raises(NotPermitted):
        svc.record_inspection(insp, actor=cast.leader_b, results={})
    with pytest.raises(NotPermitted):
        svc.schedule_inspection(
            actor=cast.leader_a,
            agency=cast.agency_b,
            scheduled_on=D(2026, 6, 1),
            checklist=CHECKLIST,
        )


def test_finding_raised_from_a_petition_keeps_the_link_and_assigns_a_task(cast):
    from cchc.feedback.models import Petition

    fields = {f.name for f in Petition._meta.get_fields()}
    assert "code" in fields
    for kind, unknown, match in (
        ("petition", "PA-NONE", "PA-NONE"),
        ("dossier", "000.00.01.H26-000000-0000", None),
    ):
        with pytest.raises(ValidationFailed, match=match):
            svc.raise_finding(
                actor=cast.inspector,
                severity="HIGH",
                description="x",
                subject_kind=kind,
                subject_ref=unknown,
                agency=cast.agency_a,
            )
    f = svc.raise_finding(
        actor=cast.inspector,
        severity="HIGH",
        description="Trả lời chậm",
        agency=cast.agency_a,
        found_on=D(2026, 8, 1),
    )
    assert f.corrective_task is not None and f.corrective_task.deadline == D(2026, 8, 16)
