"""Seed the demo: Hà Nội's units, ~20 departments, ~140 procedures, a user for every role,
and 12 months of dossiers (50,000 by default) imported through the bundle importer — the
same path a province's history takes, so every figure is computed as in production."""

from __future__ import annotations

import datetime as dt
import os
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from cchc.accounts.models import Membership, User
from cchc.agencies.demo import seed_reception_hours
from cchc.agencies.models import Agency
from cchc.catalogue.models import OnlineLevel, Procedure, RequiredDocument
from cchc.core.calendar import LOCAL_TZ
from cchc.demo.bundle import generate, identity_codes, procedure_fees
from cchc.demo.catalogue_data import (
    DRAFT_PROCEDURES,
    PUBLICATION_DECISIONS,
    applicants_for,
)
from cchc.demo.feedback import seed_complaints, seed_live_petitions, seed_reception_schedule
from cchc.dossiers.models import Dossier

# Demo accounts only, printed to the operator; long enough for the password policy (>= 12).
PASSWORD = "cchc-demo-2026"  # noqa: S105
# The demo administrators' TOTP key (hex, 20 bytes): `manage.py demo_otp_code [USERNAME]`
# prints its current code, so the demo's administrators can pass the second sign-in step.
DEMO_TOTP_KEY = b"cchc-demo-totp-key!!".hex()
# every administrator signs in in two steps (cchc.accounts.second_factor.required_at_sign_in):
# the superuser, Home Affairs and an agency's administrator
DEMO_TWO_STEP = ("admin", "sonoivu", "quantri.tuphap")
R = Membership.Role
DEMO_USERS = [
    # username, full name, kind, [(agency code, role)]. The full name is a person's plain
    # name: official forms print it as the signatory (under "THỦ TRƯỞNG CƠ QUAN"), and the
    # role is shown from the memberships (the demo logins list, the staff pages).
    ("admin", "Quản trị hệ thống", "STAFF", []),  # the platform's own account, not a person
    ("sonoivu", "Hoàng Thị Thu", "PROVINCE_ADMIN", []),
    ("thanhtra", "Đinh Văn Sơn", "INSPECTOR", []),
    ("motcua.badinh", "Nguyễn Thị Mai", "STAFF", [("H26.100", R.CLERK)]),
    ("chuyenvien.badinh", "Trần Văn Hùng", "STAFF", [("H26.100", R.SPECIALIST)]),
    ("lanhdao.badinh", "Lê Minh Đức", "STAFF", [("H26.100", R.LEADER)]),
    ("motcua.tuphap", "Phạm Thu Hà", "STAFF", [("H26.01", R.CLERK), ("H26.99", R.CLERK)]),
    ("chuyenvien.tuphap", "Đỗ Quang Vinh", "STAFF", [("H26.01", R.SPECIALIST)]),
    ("lanhdao.tuphap", "Vũ Thị Lan", "STAFF", [("H26.01", R.LEADER)]),
    ("quantri.tuphap", "Ngô Thanh Tùng", "STAFF", [("H26.01", R.AGENCY_ADMIN)]),
    ("congdan", "Nguyễn Văn An", "CITIZEN", []),
    # an organisation's account: the full name is its contact person's (as online sign-up,
    # cchc.portal.services.start_organisation_signup, makes it)
    ("doanhnghiep", "Trần Thị Hương", "CITIZEN", []),
]
# username -> (organisation name, tax code): the demo's organisation accounts
DEMO_ORGANISATIONS = {"doanhnghiep": ("Công ty TNHH Sao Mai", "0100233488")}


def submission_means(procedure: Procedure) -> str:
    """Cách thức thực hiện as the record's online level allows (online only if it is offered)."""
    if procedure.online_level == OnlineLevel.NONE:
        return "Trực tiếp; qua dịch vụ bưu chính"
    return "Trực tiếp; trực tuyến; qua dịch vụ bưu chính"


def _working_before(cal, now, seconds: float):  # type: ignore[no-untyped-def]
    """The instant `seconds` of working time before `now` (walks back day by day)."""
    day = now.astimezone(LOCAL_TZ).date()
    remaining = seconds
    end = min(now, cal.day_end(day)) if cal.is_working_day(day) else None
    while True:
        if end is not None:
            span = cal.working_seconds_between(cal.day_start(end.astimezone(LOCAL_TZ).date()), end)
            if remaining <= span:
                start = cal.day_start(end.astimezone(LOCAL_TZ).date())
                return cal.add_working_seconds(start, span - remaining)
            remaining -= span
        day -= dt.timedelta(days=1)
        end = cal.day_end(day) if cal.is_working_day(day) else None


class Command(BaseCommand):
    help = "Load demo data (idempotent: does nothing if dossiers already exist)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dossiers", type=int, default=int(os.environ.get("DEMO_DOSSIERS", "50000"))
        )
        parser.add_argument("--petitions", type=int, default=3000)
        parser.add_argument("--force", action="store_true", help="load even if dossiers exist")

    def handle(self, *args, dossiers: int, petitions: int, force: bool, **options):
        if Dossier.objects.exists() and not force:
            self.stdout.write("Demo data already present.")
        else:
            started = time.monotonic()
            with tempfile.TemporaryDirectory() as tmp:
                # no random 766 document flags: the bundle has no documents; the flags
                # follow from the records `_documents` and `_live_dossiers` create
                counts = generate(
                    Path(tmp), dossiers=dossiers, petitions=petitions, document_flags=False
                )
                self.stdout.write(f"Generated {counts}")
                call_command("import_bundle", tmp, stdout=self.stdout, stderr=self.stderr)
            self._finish_catalogue()
            seed_reception_hours(self.stdout)
            self._publication_decisions()
            self._draft_procedures()
            self._form_templates()
            self._users()
            self._documents()
            self._live_dossiers()
            self._organisation_dossiers()
            self._citizen_dossiers()
            # petitions with their topics and complaints, handled at the demo counters
            seed_live_petitions(self.stdout)
            seed_complaints(self.stdout)
            seed_reception_schedule(self.stdout)
            from cchc.surveys.demo import seed_demo_campaign

            seed_demo_campaign(self.stdout)
            self.stdout.write(f"Demo data loaded in {time.monotonic() - started:.0f} s")
        self._users()
        from cchc.reform.demo import seed as seed_par

        seed_par(self.stdout)  # PAR INDEX: a published year and an open one
        self._external_indices()
        # a year of reform tasks and inspections, told around these dossiers and petitions
        call_command("seed_plans_demo", stdout=self.stdout)
        self._print_logins()

    @transaction.atomic
    def _finish_catalogue(self) -> None:
        """What agencies.csv/procedures.csv do not carry: identity codes and dossier components."""
        fees = procedure_fees()  # what the bundle's dossiers paid (procedures.csv has no amount)
        for code, ident in identity_codes().items():
            Agency.objects.filter(code=code, identity_code="").update(identity_code=ident)
        for proc in Procedure.objects.filter(required_documents__isnull=True).select_related(
            "field"
        ):
            RequiredDocument.objects.bulk_create(
                [
                    RequiredDocument(
                        procedure=proc, order=1, name="Tờ khai theo mẫu", form_name="Mẫu tờ khai"
                    ),
                    RequiredDocument(
                        procedure=proc, order=2, name="Bản sao giấy tờ tùy thân", mandatory=True
                    ),
                    RequiredDocument(
                        procedure=proc,
                        order=3,
                        name="Giấy tờ chứng minh khác (nếu có)",
                        mandatory=False,
                    ),
                ]
            )
            changed = False
            if not proc.applicant_types:
                # who may apply, as the national database says: a person only for civil
                # status, a company only for its own changes (every procedure said "Cá nhân,
                # tổ chức", so the portal's note for the wrong kind of account never showed)
                field = proc.field.name if proc.field is not None else ""
                proc.applicant_types, changed = applicants_for(field, proc.name), True
            if not proc.submission_means:
                # the means follow the record's online level: "Mức độ trực tuyến: Không trực
                # tuyến" next to "Cách thức: Trực tiếp; trực tuyến; …" contradicted itself
                proc.submission_means, changed = submission_means(proc), True
            if proc.has_fee and not proc.fee_amount and fees.get(proc.code):
                proc.fee_amount, changed = fees[proc.code], True
            if not proc.steps_description:
                proc.steps_description, changed = (
                    "Bước 1: Nộp hồ sơ. Bước 2: Tiếp nhận, thẩm định. Bước 3: Trả kết quả.",
                    True,
                )
            if changed:
                proc.save()

    @transaction.atomic
    def _publication_decisions(self) -> None:
        """The decision that announced each published procedure (số quyết định công bố and its
        date): the import publishes the national database's records without one, and the
        procedure page showed an empty "Quyết định công bố". Written as the import, through
        the catalogue's service, so each procedure's history says when it was recorded."""
        from cchc.catalogue import services
        from cchc.core.actors import IMPORT

        by_field = {
            field: (number, dt.date.fromisoformat(day))
            for number, day, fields in PUBLICATION_DECISIONS
            for field in fields
        }
        count = 0
        for proc in (
            Procedure.objects.published()
            .filter(publication_decision="")
            .select_related("field")
            .order_by("code")
        ):
            decision = by_field.get(proc.field.name if proc.field is not None else "")
            if decision is None:
                continue
            services.update_procedure(
                proc,
                actor=IMPORT,
                data={"publication_decision": decision[0], "announced_on": decision[1]},
            )
            count += 1
        self.stdout.write(
            f"Publication decisions: {count} procedures under {len(PUBLICATION_DECISIONS)} "
            "decisions"
        )

    @transaction.atomic
    def _draft_procedures(self) -> None:
        """A few procedures filed but not yet announced, so a keeper can show publishing one
        with its decision (every mandatory field filled: publishing succeeds)."""
        from cchc.catalogue import services
        from cchc.catalogue.models import Field
        from cchc.core.actors import IMPORT

        for code, name, field, agency_code, applicants, days, level in DRAFT_PROCEDURES:
            agency = Agency.objects.filter(code=agency_code).first()
            if agency is None or Procedure.objects.filter(code=code).exists():
                continue
            online = OnlineLevel(level)
            services.create_procedure(
                actor=IMPORT,
                data={
                    "code": code,
                    "name": name,
                    "field": Field.objects.filter(name=field).first(),
                    "processing_time": days,
                    "online_level": online,
                    "applicant_types": applicants,
                    "submission_means": submission_means(Procedure(online_level=online)),
                    "steps_description": (
                        "Bước 1: Nộp hồ sơ. Bước 2: Tiếp nhận, thẩm định. Bước 3: Trả kết quả."
                    ),
                    "valid_from": dt.date(2026, 1, 1),
                },
                agencies=[agency],
                documents=[
                    {"name": "Tờ khai theo mẫu", "form_name": "Mẫu tờ khai"},
                    {"name": "Bản sao giấy tờ tùy thân", "mandatory": True},
                    {"name": "Giấy tờ chứng minh khác (nếu có)", "mandatory": False},
                ],
            )
        self.stdout.write(f"Draft procedures (not yet announced): {len(DRAFT_PROCEDURES)}")

    def _form_templates(self) -> None:
        """Blank forms to download for the procedures the demo counters and citizens use."""
        from cchc.core.actors import IMPORT
        from cchc.demo.documents import seed_form_templates

        procedures = []
        for agency_code in ("H26.100", "H26.01"):
            procedures += list(
                Procedure.objects.published()
                .filter(agencies__code=agency_code)
                .order_by("code")[:12]
            )
        count = seed_form_templates(procedures, actor=IMPORT)
        self.stdout.write(f"Demo form templates: {count} files for {len(procedures)} procedures")

    @transaction.atomic
    def _users(self) -> None:
        for username, full_name, kind, memberships in DEMO_USERS:
            user, created = User.objects.get_or_create(
                username=username,
                defaults={
                    "full_name": full_name,
                    "kind": kind,
                    "province_code": "01",
                    "email": f"{username}@demo.cchc.vn",
                    "email_verified": True,
                },
            )
            if not created and user.full_name != full_name:
                # a demo seeded before the names were plain ("Nguyễn Thị Mai (một cửa)")
                user.full_name = full_name
                user.save(update_fields=["full_name"])
            if created:
                user.set_password(PASSWORD)
                if username == "admin":
                    user.is_superuser = user.is_staff = True
                if username in DEMO_ORGANISATIONS:
                    # as an organisation's sign-up: its name and its (checked) tax code
                    from cchc.core.identifiers import clean_tax_code

                    organisation, tax_code = DEMO_ORGANISATIONS[username]
                    user.organisation_name, user.tax_code = organisation, clean_tax_code(tax_code)
                elif kind == "CITIZEN":
                    user.set_national_id("001090001234")
                user.save()
            if username in DEMO_TWO_STEP:
                from django_otp.plugins.otp_totp.models import TOTPDevice

                TOTPDevice.objects.get_or_create(
                    user=user, name="demo", defaults={"key": DEMO_TOTP_KEY, "confirmed": True}
                )
            for agency_code, role in memberships:
                agency = Agency.objects.filter(code=agency_code).first()
                if agency:
                    Membership.objects.get_or_create(user=user, agency=agency, role=role)

    def _documents(self, count: int = 300) -> None:
        """Checklists, scans and electronic results for a sample of the imported dossiers of
        the demo users' agencies (the history has no files), so the staff dossier page, the
        citizen's status page and the 766 flags show real records."""
        import random

        from cchc.demo.documents import seed_dossier_documents

        started = time.monotonic()
        ids = list(
            Dossier.objects.filter(receiving_agency__code__in=["H26.100", "H26.01"])
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        sample = sorted(random.Random(16).sample(ids, min(count, len(ids))))
        counts = seed_dossier_documents(list(Dossier.objects.filter(pk__in=sample)))
        self.stdout.write(f"Demo documents {counts} in {time.monotonic() - started:.1f} s")

    def _live_dossiers(self) -> None:
        """Work in progress at the demo counters, handled through the real services by the
        demo users, so the queues show received, in-progress, paused and overdue dossiers."""
        import random

        from django.contrib.auth.models import AnonymousUser
        from django.core.files.uploadedfile import SimpleUploadedFile
        from django.utils import timezone

        from cchc.demo.documents import demo_pdf, slug
        from cchc.dossiers import services
        from cchc.dossiers.services import Applicant

        def pdf(name: str, *lines: str) -> SimpleUploadedFile:
            return SimpleUploadedFile(name, demo_pdf(*lines), content_type="application/pdf")

        def result(d: Dossier) -> SimpleUploadedFile:
            return pdf("ket-qua.pdf", "KET QUA (demo)", f"Ho so {d.code}", d.applicant_name)

        rng = random.Random(2026)
        names = [
            "Nguyễn Văn Bình",
            "Trần Thị Cúc",
            "Lê Hoàng Dũng",
            "Phạm Thị Hoa",
            "Hoàng Văn Khánh",
            "Vũ Thị Lan",
            "Đặng Minh Long",
            "Bùi Thị Ngọc",
            "Đỗ Văn Phúc",
            "Ngô Thị Quỳnh",
        ]
        now = timezone.now()
        for agency_code, clerk, specialist, leader in [
            ("H26.100", "motcua.badinh", "chuyenvien.badinh", "lanhdao.badinh"),
            ("H26.01", "motcua.tuphap", "chuyenvien.tuphap", "lanhdao.tuphap"),
        ]:
            agency = Agency.objects.get(code=agency_code)
            users = {
                u.username: u for u in User.objects.filter(username__in=[clerk, specialist, leader])
            }
            procedures = list(
                Procedure.objects.published()
                .filter(agencies=agency)
                .prefetch_related("required_documents")
                .order_by("code")[:12]
            )
            components = {
                p.pk: [c for c in p.required_documents.all() if c.mandatory or rng.random() < 0.5]
                for p in procedures
            }
            cal = services.calendar_for(agency.province_code)
            for i in range(24):
                proc = procedures[i % len(procedures)]
                back = rng.uniform(0.5, 12) * 8 * 3600
                received = _working_before(cal, now, back)
                d = services.intake_at_counter(
                    procedure=proc,
                    receiving_agency=agency,
                    actor=users[clerk],
                    at=received,
                    applicant=Applicant(
                        name=rng.choice(names),
                        id_last4=f"{rng.randint(0, 9999):04d}",
                        phone=f"09{rng.randint(10000000, 99999999)}",
                    ),
                    checklist=[(c, rng.choice(["ORIGINAL", "COPY"])) for c in components[proc.pk]],
                    scans=[
                        (c, pdf(f"{slug(c.name)}.pdf", "Ban so hoa (demo)", c.name))
                        for c in components[proc.pk]
                        if c.mandatory and rng.random() < 0.7
                    ],
                )
                stage = i % 6
                if stage == 0:
                    continue  # just received
                t = min(cal.add_working_seconds(received, 1800), now)
                d = services.transfer(
                    d,
                    actor=users[clerk],
                    to_agency=agency,
                    step_name="Thẩm định hồ sơ",
                    assignee=users[specialist],
                    at=t,
                )
                if stage == 2 and t < now:
                    services.request_supplement(
                        d,
                        actor=users[specialist],
                        at=min(cal.add_working_seconds(t, 3600), now),
                        reason="Bổ sung bản sao giấy tờ chứng minh nơi cư trú",
                    )
                    if i % 12 == 2:  # the applicant already sent the paper online
                        services.submit_supplement(
                            d,
                            actor=AnonymousUser(),
                            applicant_proven=True,
                            uploads=[pdf("giay-to-cu-tru.pdf", "Giay to cu tru (demo)", d.code)],
                            at=now,
                        )
                elif stage == 3 and d.due_at and d.due_at > now:
                    services.finish(d, actor=users[specialist], at=now, result=result(d))
                elif stage == 4:
                    done = min(cal.add_working_seconds(t, 4 * 3600), now)
                    d = services.finish(d, actor=users[specialist], at=done, result=result(d))
                    services.return_result(
                        d, actor=users[clerk], at=min(cal.add_working_seconds(done, 3600), now)
                    )
        self.stdout.write("Live dossiers created at H26.100 and H26.01 through the services")

    def _submit_online(
        self, account: User, procedure: Procedure, agency: Agency, data: dict
    ) -> Dossier:
        """A dossier `account` submits through the portal as a person does: a draft with the
        form's `data`, a PDF for every mandatory paper, then the submission."""
        from django.core.files.uploadedfile import SimpleUploadedFile

        from cchc.demo.documents import demo_pdf, slug
        from cchc.portal import services as portal

        draft = portal.save_draft(
            portal.draft_for(user=account, procedure=procedure),
            actor=account,
            data={"receiving_agency": str(agency.pk), **data},
        )
        for component in procedure.required_documents.filter(mandatory=True):
            portal.add_draft_upload(
                draft,
                actor=account,
                required_document_id=component.pk,
                upload=SimpleUploadedFile(
                    f"{slug(component.name)}.pdf",
                    demo_pdf(
                        f"{account.organisation_name or account.display_name} (demo)",
                        component.name,
                    ),
                    content_type="application/pdf",
                ),
            )
        return portal.submit_draft(draft, actor=account)

    def _organisation_dossiers(self) -> None:
        """Dossiers the demo company submitted online through the portal (draft, attached
        papers, submission), as its account does: the counter of Sở Tư pháp has a company's
        dossier waiting, and `doanhnghiep` sees its own dossiers."""
        from cchc.portal.applicant_types import for_organisations_only

        company = User.objects.filter(username__in=DEMO_ORGANISATIONS).first()
        if company is None:
            return
        made = []
        for agency_code in ("H26.01", "H26.03"):
            agency = Agency.objects.filter(code=agency_code).first()
            if agency is None:
                continue
            candidates = (
                Procedure.objects.published()
                .filter(agencies=agency)
                .exclude(online_level=OnlineLevel.NONE)
                .order_by("code")
            )
            proc = next((p for p in candidates if for_organisations_only(p)), None)
            if proc is None:
                continue
            d = self._submit_online(
                company,
                proc,
                agency,
                {
                    "address": "Số 25 phố Lý Thường Kiệt, phường Hoàn Kiếm, Hà Nội",
                    "request": f"Đề nghị giải quyết thủ tục: {proc.name}",
                },
            )
            made.append(d.code)
        self.stdout.write(f"Organisation dossiers submitted online: {', '.join(made)}")

    def _citizen_dossiers(self) -> None:
        """The demo citizen `congdan` has dossiers of their own at UBND Phường Ba Đình, each
        at a point where the portal asks something of them: one waiting for the counter, one
        whose supplement the specialist asked for (to send online), one returned (to
        evaluate). Submitted through the portal, handled by the demo staff's services."""
        from cchc.dossiers import services
        from cchc.portal.applicant_types import for_organisations_only

        people = {
            u.username: u
            for u in User.objects.filter(
                username__in=["congdan", "motcua.badinh", "chuyenvien.badinh"]
            )
        }
        agency = Agency.objects.filter(code="H26.100").first()
        if len(people) < 3 or agency is None:
            return
        citizen, clerk, specialist = (
            people["congdan"],
            people["motcua.badinh"],
            people["chuyenvien.badinh"],
        )
        candidates = [
            p
            for p in Procedure.objects.published()
            .filter(agencies=agency)
            .exclude(online_level=OnlineLevel.NONE)
            .order_by("code")
            if not for_organisations_only(p)
        ][:3]
        made = []
        for stage, proc in enumerate(candidates):
            d = self._submit_online(
                citizen,
                proc,
                agency,
                {
                    "address": "Số 12 phố Đội Cấn, phường Ba Đình, Hà Nội",
                    "request": f"Đề nghị giải quyết thủ tục: {proc.name}",
                },
            )
            made.append(d.code)
            if stage == 0:
                continue  # waiting for the counter
            d = services.receive(d, actor=clerk)
            d = services.transfer(
                d, actor=clerk, to_agency=agency, step_name="Thẩm định hồ sơ", assignee=specialist
            )
            if stage == 1:
                services.request_supplement(
                    d, actor=specialist, reason="Bổ sung bản sao giấy tờ chứng minh nơi cư trú"
                )
            else:
                d = services.finish(
                    d, actor=specialist, note="Đã cấp kết quả (bản giấy trả tại bộ phận một cửa)"
                )
                services.return_result(d, actor=clerk)
        self.stdout.write(f"Dossiers of the demo citizen (congdan): {', '.join(made)}")

    @transaction.atomic
    def _external_indices(self) -> None:
        """Hà Nội's published national figures (domain.md §6, §7: PAR INDEX 2023 91.43 %, 3rd;
        SIPAS 2023 83.57 %, 21st of 63; SIPAS 2024 86.50 %) and the year's targets the city
        set itself (PAR INDEX top 10, PAPI +5 places, SIPAS at least 86 %), typed in by Home
        Affairs as a province does. No PAPI figure: none is in our sources, and published
        values are recorded, never made up."""
        from cchc.reform import external
        from cchc.reform.models import Target

        actor = User.objects.filter(username="sonoivu").first()
        if actor is None:
            return
        province = settings.CCHC_PROVINCE_CODE
        for index, year, score, rank in (
            ("PAR", 2023, "91.43", 3),
            ("SIPAS", 2023, "83.57", 21),
            ("SIPAS", 2024, "86.50", None),
        ):
            external.record_value(
                actor=actor, index=index, year=year, province_code=province, score=score, rank=rank
            )
        year = timezone.localdate().year
        for index, kind, value, note in (
            ("PAR", "rank", "10", "Nằm trong nhóm 10 tỉnh, thành phố dẫn đầu"),
            ("PAPI", "rank_change", "5", "Tăng ít nhất 5 bậc so với năm trước"),
            ("SIPAS", "score", "86", "Chỉ số hài lòng đạt từ 86 % trở lên"),
        ):
            if not Target.objects.filter(year=year, index=index, kind=kind).exists():
                external.save_target(
                    actor=actor, year=year, index=index, kind=kind, value=value, note=note
                )

    def _print_logins(self) -> None:
        self.stdout.write("")
        self.stdout.write(f"Demo logins (password for all: {PASSWORD}):")
        self.stdout.write(
            "  (admin, sonoivu and quantri.tuphap also ask for a code: run "
            "`manage.py demo_otp_code USERNAME`)"
        )
        for username, full_name, kind, memberships in DEMO_USERS:
            where = ", ".join(f"{r} @ {a}" for a, r in memberships) or kind
            if username in DEMO_ORGANISATIONS:
                organisation, tax_code = DEMO_ORGANISATIONS[username]
                where = f"contact person of {organisation}, tax code {tax_code}"
            self.stdout.write(f"  {username:22} {full_name} — {where}")
