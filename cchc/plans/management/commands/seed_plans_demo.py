"""`python manage.py seed_plans_demo`: a year of reform tasks and inspections for the demo
(`make demo` runs it after the dossiers and petitions), through the real services.

The story: the province's 2026 reform plan (KH 12/KH-UBND) sets its targets and assigns
tasks to the departments and communes; leaders' meeting conclusions add more; most are done
on time, some late, a few still overdue, one extended in time and one too late. The unit
whose petitions were answered worst is inspected: a finding is raised straight from one of
its petitions, the corrective task is completed with evidence and the re-inspection closes
it. A task of Ba Đình takes its progress from the on-time rate of its dossiers (≥ 95 %).
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from cchc.accounts.models import Membership, User
from cchc.agencies.models import Agency
from cchc.plans import inspections, services
from cchc.plans.models import Plan, Task

TITLES = [
    "Rà soát, đơn giản hóa thủ tục hành chính lĩnh vực {f}",
    "Báo cáo kết quả số hóa hồ sơ, kết quả giải quyết TTHC",
    "Niêm yết công khai đầy đủ TTHC tại bộ phận một cửa",
    "Triển khai thanh toán trực tuyến phí, lệ phí",
    "Cập nhật quy trình nội bộ giải quyết TTHC trên hệ thống",
    "Xây dựng kế hoạch nâng cao chỉ số SIPAS",
    "Tổ chức đối thoại với doanh nghiệp về TTHC lĩnh vực {f}",
    "Báo cáo tình hình tiếp nhận, xử lý phản ánh, kiến nghị",
]
FIELDS = ["hộ tịch", "đất đai", "xây dựng", "đầu tư", "lao động", "giáo dục"]
CHECKLIST = [
    {"code": "NIEM_YET", "label": "Niêm yết, công khai TTHC"},
    {"code": "MOT_CUA", "label": "Bộ phận một cửa: trang thiết bị, số hóa khi tiếp nhận"},
    {"code": "SO_THEO_DOI", "label": "Sổ theo dõi hồ sơ, phiếu kiểm soát"},
    {"code": "PAKN", "label": "Trả lời phản ánh, kiến nghị đúng hạn"},
    {"code": "VAN_HOA", "label": "Quy tắc ứng xử của cán bộ, công chức"},
    {"code": "NHIEM_VU", "label": "Thực hiện nhiệm vụ CCHC được giao"},
]


def _pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4 demo", content_type="application/pdf")


def _on(day: dt.date, hour: int = 9) -> Any:
    """The services' steps inside are recorded at `hour` o'clock on `day`, so each record's
    history stands at the dates of the story, not at the seeding. A step of today (or later)
    is recorded now: an hour of today could stand after the seeding's own time or before a
    step already recorded now (a task assigned at 08:00 and acknowledged "at 10:00" clamped
    to now, then verified "at 09:00": its history went back in time when seeded between
    09:00 and 10:00)."""
    now = timezone.now()
    if day >= timezone.localdate(now):
        return services.recorded_at(now)
    moment = dt.datetime.combine(day, dt.time(hour), tzinfo=timezone.get_current_timezone())
    return services.recorded_at(moment)


class Command(BaseCommand):
    help = "Seed a year of reform tasks and inspections for the demo (skipped if tasks exist)."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true")

    def handle(self, *args, force: bool, **options):
        if Task.objects.exists() and not force:
            self.stdout.write("Plans demo data already present.")
            return
        admin = User.objects.filter(kind=User.Kind.PROVINCE_ADMIN).first()
        inspector = User.objects.filter(kind=User.Kind.INSPECTOR).first()
        if admin is None or inspector is None:
            self.stdout.write("No province administrator or inspector: run seed_demo first.")
            return
        with transaction.atomic():
            n_tasks = self._tasks(admin)
            n_insp = self._inspections(inspector)
        self.stdout.write(f"Plans demo: {n_tasks} tasks, {n_insp} inspections")

    def _staff(self, agency: Agency) -> User:
        m = (
            Membership.objects.filter(agency=agency)
            .order_by("-role")  # SPECIALIST/LEADER before CLERK
            .select_related("user")
            .first()
        )
        if m is not None:
            return m.user
        user, _ = User.objects.get_or_create(
            username=f"canbo.{agency.code.lower()}",
            defaults={"full_name": f"Cán bộ {agency.name}", "kind": "STAFF", "province_code": "01"},
        )
        Membership.objects.get_or_create(user=user, agency=agency, role=Membership.Role.LEADER)
        return user

    def _tasks(self, admin: User) -> int:
        rnd = random.Random(15)
        today = timezone.localdate()
        year = today.year
        plan = Plan.objects.create(
            code=f"KH-CCHC-{year}",
            year=year,
            title=f"Kế hoạch cải cách hành chính năm {year}",
            issuing_document="KH 12/KH-UBND",
            issued_on=dt.date(year, 1, 10),
            targets=[
                {"label": "PAR INDEX trong nhóm 10 tỉnh dẫn đầu", "measure": "", "target": 10},
                {"label": "SIPAS ≥ 86 %", "measure": "sipas", "target": 86},
                {"label": "Hồ sơ đúng hạn ≥ 95 %", "measure": "dossiers_on_time", "target": 95},
            ],
        )
        units = list(Agency.objects.current().filter(code__in=["H26.100", "H26.01"])) + list(
            Agency.objects.current().filter(level="PROVINCE_AGENCY").exclude(code="H26.01")[:8]
        )
        units += list(Agency.objects.current().filter(level="COMMUNE").exclude(code="H26.100")[:6])
        count = 0
        for n in range(60):
            unit = units[n % len(units)]
            assigned = dt.date(year, 1, 15) + dt.timedelta(days=rnd.randint(0, 280))
            if assigned >= today:
                assigned = today - dt.timedelta(days=rnd.randint(1, 30))
            deadline = assigned + dt.timedelta(days=rnd.choice([15, 30, 45, 60, 90]))
            conclusion = n % 3 == 2
            with _on(assigned, 8):
                task = services.assign_task(
                    actor=admin,
                    title=rnd.choice(TITLES).format(f=rnd.choice(FIELDS)),
                    source_kind="CONCLUSION" if conclusion else "PLAN",
                    source_document="TB 45/TB-VP" if conclusion else "KH 12/KH-UBND",
                    plan=None if conclusion else plan,
                    lead_agency=unit,
                    co_agencies=[units[(n + 1) % len(units)]] if n % 4 == 0 else [],
                    assigned_on=assigned,
                    deadline=deadline,
                    evidence_required=True,
                )
            count += 1
            staff = self._staff(unit)
            with _on(assigned, 10):
                services.acknowledge(task, actor=staff)
            fate = rnd.random()
            if n == 5 and deadline > today:
                # an extension approved in time
                with _on(assigned, 14):
                    ext = services.request_extension(
                        task,
                        actor=staff,
                        new_deadline=deadline + dt.timedelta(days=20),
                        reason="Chờ ý kiến các sở",
                        on=assigned,
                    )
                with _on(assigned, 16):
                    services.decide_extension(ext, actor=admin, approve=True, on=assigned)
                continue
            if deadline < today and fate < 0.65:
                done = min(today, deadline - dt.timedelta(days=rnd.randint(0, 10)))
            elif deadline < today and fate < 0.85:
                done = min(today, deadline + dt.timedelta(days=rnd.randint(1, 20)))
            elif deadline >= today and fate < 0.3:
                done = today
            else:
                with _on(min(today, assigned + dt.timedelta(days=10)), 15):
                    services.report_progress(
                        task, actor=staff, text="Đang triển khai", percent=rnd.choice([20, 40, 60])
                    )
                continue
            done = max(done, assigned)
            with _on(done, 16):
                services.complete(
                    task,
                    actor=staff,
                    result="Đã hoàn thành, gửi báo cáo kèm minh chứng",
                    files=[_pdf(f"bao-cao-{task.code}.pdf")],
                    completed_on=done,
                )
            if rnd.random() < 0.8:
                # two days later; a step of today is recorded now, after the completion (_on)
                with _on(min(today, done + dt.timedelta(days=2)), 9):
                    services.verify(task, actor=admin)
        badinh = Agency.objects.filter(code="H26.100").first()
        if badinh is not None:
            with _on(dt.date(year, 1, 15), 8):
                services.assign_task(
                    actor=admin,
                    title="Nâng tỷ lệ hồ sơ giải quyết đúng hạn lên ≥ 95 %",
                    source_document="KH 12/KH-UBND",
                    plan=plan,
                    lead_agency=badinh,
                    assigned_on=dt.date(year, 1, 15),
                    deadline=dt.date(year, 12, 31),
                    measure_name="dossiers_on_time",
                    measure_target=95,
                    measure_period=str(year),
                    recurrence="QUARTERLY",
                    evidence_required=False,
                )
            count += 1
        return count

    def _inspections(self, inspector: User) -> int:
        from cchc.feedback.models import Petition

        today = timezone.localdate()
        year = today.year
        kplan = inspections.create_inspection_plan(
            actor=inspector,
            code=f"KH-KT-{year}",
            year=year,
            title=f"Kế hoạch kiểm tra công vụ, kiểm tra CCHC năm {year}",
            issuing_document="KH 30/KH-SNV",
            checklist=CHECKLIST,
        )
        # the unit whose petitions were handled worst (most unsatisfied answers)
        worst = (
            Petition.objects.filter(agency__isnull=False, dislikes__gt=0)
            .values("agency")
            .annotate(n=Count("pk"))
            .order_by("-n")
            .first()
        )
        targets = []
        if worst:
            targets.append(Agency.objects.get(pk=worst["agency"]))
        badinh = Agency.objects.filter(code="H26.100").first()
        if badinh and badinh not in targets:
            targets.append(badinh)
        made = 0
        for i, agency in enumerate(targets):
            day = today - dt.timedelta(days=60 - 10 * i)
            with _on(day - dt.timedelta(days=14), 9):
                insp = inspections.schedule_inspection(
                    actor=inspector, agency=agency, scheduled_on=day, plan=kplan, team=[inspector]
                )
            made += 1
            staff = self._staff(agency)
            with _on(day - dt.timedelta(days=3), 15):
                inspections.upload_self_report(insp, actor=staff, file=_pdf("tu-kiem-tra.pdf"))
            results = {c["code"]: {"result": "PASS"} for c in CHECKLIST}
            results["NIEM_YET"] = {"result": "FAIL", "note": "Thiếu 3 thủ tục mới công bố"}
            results["PAKN"] = {"result": "FAIL", "note": "Nhiều phản ánh trả lời chậm"}
            petition = Petition.objects.filter(agency=agency).order_by("-dislikes", "code").first()
            with _on(day, 10):
                inspections.record_inspection(
                    insp, actor=inspector, results=results, inspected_on=day
                )
                f1 = inspections.raise_finding(
                    actor=inspector,
                    inspection=insp,
                    severity="MEDIUM",
                    description="Chưa niêm yết đầy đủ TTHC mới công bố",
                    responsible_person="Công chức bộ phận một cửa",
                    found_on=day,
                )
                f2 = inspections.raise_finding(
                    actor=inspector,
                    inspection=insp,
                    severity="HIGH",
                    description="Phản ánh của người dân trả lời chậm, không đạt yêu cầu",
                    subject_kind="petition" if petition else "",
                    subject_ref=petition.code if petition else "",
                    responsible_person="Lãnh đạo đơn vị",
                    found_on=day,
                )
            with _on(day + dt.timedelta(days=2), 14):
                # the conclusion assigns the corrective tasks, recorded at the same time
                inspections.conclude(
                    insp,
                    actor=inspector,
                    conclusion="Yêu cầu khắc phục các tồn tại trong 15 ngày.",
                    concluded_on=day + dt.timedelta(days=2),
                )
            remedied = min(today, day + dt.timedelta(days=12))
            for f in (f1, f2):
                f.refresh_from_db()
                assert f.corrective_task is not None  # assigned at the conclusion
                with _on(remedied, 16):
                    services.complete(
                        f.corrective_task,
                        actor=staff,
                        result="Đã khắc phục, gửi báo cáo",
                        files=[_pdf("khac-phuc.pdf")],
                        completed_on=remedied,
                    )
            with _on(min(today, day + dt.timedelta(days=20)), 9):
                inspections.reinspect_finding(
                    f1, actor=inspector, closed=True, note="Đã niêm yết đủ"
                )
                if i == 0:
                    inspections.reinspect_finding(
                        f2, actor=inspector, closed=False, note="Vẫn còn phản ánh quá hạn"
                    )
        return made
