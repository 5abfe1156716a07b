"""export_bundle → import into an empty database → export_bundle is byte-identical, and an
imported dossier has the same derived state as the same history run through the services."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection

from cchc.accounts.models import Membership
from cchc.agencies.models import Agency, RankingGroup
from cchc.catalogue.models import Field, Procedure
from cchc.dossiers import lifecycle, services
from cchc.dossiers.models import Dossier, DossierCodeCounter, DossierEvent
from cchc.dossiers.tests.factories import counter_dossier, online_dossier
from cchc.interchange.tests.bundles import export

# the step function's derived columns, and the hand-over and intake facts the replay keeps
DERIVED = (*lifecycle.FIELDS, "current_agency_id", "fee_amount", "channel")


def t(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def handle_three_dossiers(cast) -> list[Dossier]:
    """A returned dossier with a supplement and an apology, a refused online submission, and
    one waiting for the applicant's supplement: all through the lifecycle services."""
    applicant = services.Applicant(name="Nguyễn Thị Lan")
    b = cast.agency_b
    d1 = counter_dossier(
        cast, applicant, competent_agency=b, at=t("2026-03-02T09:00:00+07:00"), fee_amount=50000
    )
    services.transfer(
        d1,
        actor=cast.clerk_a,
        to_agency=b,
        note="chuyển Sở Tư pháp",
        at=t("2026-03-02T10:00:00+07:00"),
    )
    services.request_supplement(
        d1, actor=cast.specialist_b, reason="thiếu tờ khai", at=t("2026-03-03T09:00:00+07:00")
    )
    services.receive_supplement(d1, actor=cast.clerk_a, at=t("2026-03-05T14:00:00+07:00"))
    d1.refresh_from_db()
    services.apologize(
        d1,
        actor=cast.leader_b,
        reason="cần xác minh",
        at=t("2026-03-06T10:00:00+07:00"),
        new_appointment_at=d1.appointment_at + dt.timedelta(days=4),
    )
    services.finish(
        d1,
        actor=cast.specialist_b,
        result=SimpleUploadedFile("ket-qua.pdf", b"%PDF-1.4\n%%EOF\n"),
        at=t("2026-03-10T16:00:00+07:00"),
    )
    services.return_result(d1, actor=cast.clerk_a, at=t("2026-03-11T08:30:00+07:00"))

    d2 = online_dossier(cast, applicant, at=t("2026-03-07T21:15:00+07:00"))
    services.refuse(
        d2, actor=cast.clerk_a, reason="không thuộc thẩm quyền", at=t("2026-03-09T08:05:00+07:00")
    )

    d3 = online_dossier(cast, applicant, competent_agency=b, at=t("2026-03-12T16:40:00+07:00"))
    services.receive(d3, actor=cast.clerk_a, at=t("2026-03-13T08:10:00+07:00"))
    services.transfer(d3, actor=cast.clerk_a, to_agency=b, at=t("2026-03-13T09:00:00+07:00"))
    services.request_supplement(
        d3, actor=cast.specialist_b, reason="ảnh mờ", at=t("2026-03-16T10:00:00+07:00")
    )
    return [Dossier.objects.get(pk=d.pk) for d in (d1, d2, d3)]


def empty_the_database() -> None:
    """What a freshly migrated database holds of our domain data: nothing. The append-only
    triggers are dropped inside the test's transaction only (rolled back with it)."""
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("DROP TRIGGER dossierevent_no_update ON dossiers_dossierevent")
        else:
            cur.execute("DROP TRIGGER dossierevent_no_update")
    DossierEvent.objects.all()._raw_delete(DossierEvent.objects.db)
    Dossier.objects.all().delete()
    DossierCodeCounter.objects.all().delete()
    Procedure.objects.all().delete()
    Field.objects.all().delete()
    Membership.objects.all().delete()
    Agency.objects.update(parent=None)
    Agency.objects.all().delete()
    RankingGroup.objects.all().delete()


@pytest.mark.django_db
def test_export_import_export_is_byte_identical_and_state_is_the_same(cast, tmp_path):
    handled = handle_three_dossiers(cast)
    before = {d.code: {f: getattr(d, f) for f in DERIVED} for d in handled}
    agency_codes = {
        d.code: (d.receiving_agency.code, d.competent_agency.code, d.current_agency.code)
        for d in handled
    }
    first = export(tmp_path / "first")
    assert first["dossiers.jsonl"].count(b"\n") == 3

    empty_the_database()
    out = io.StringIO()
    call_command("import_bundle", str(tmp_path / "first"), stdout=out, stderr=io.StringIO())
    assert "dossiers.jsonl: 3 created, 0 updated, 0 unchanged, 0 rejected" in out.getvalue()

    for code, expected in before.items():
        imported = Dossier.objects.select_related(
            "receiving_agency", "competent_agency", "current_agency"
        ).get(code=code)
        state = {f: getattr(imported, f) for f in DERIVED}
        # agency ids differ between the two databases: compare the codes instead
        state.pop("current_agency_id"), expected.pop("current_agency_id")
        assert state == expected, code
        assert (
            imported.receiving_agency.code,
            imported.competent_agency.code,
            imported.current_agency.code,
        ) == agency_codes[code]

    second = export(tmp_path / "second")
    assert second == first


@pytest.mark.django_db
def test_export_formats(cast, tmp_path):
    handle_three_dossiers(cast)
    files = export(tmp_path)
    line = files["dossiers.jsonl"].decode().splitlines()[0]
    assert line.startswith(
        '{"MaHoSo": "000.01.01.H26-260302-0001", "MaTTHC": "1.001193", "MaDonViTiepNhan": "H26.100", '
        '"MaDonViXuLy": "H26.01", "KenhThucHien": 1, "NgayNopHoSo": "2026-03-02T09:00:00+07:00"'
    )
    assert '"NgayHenTraMoi": ' in line and '"HoSoCoThanhPhanSoHoa": 0, "CoKetQuaDienTu": 1' in line
    # the contract's columns, then the published content (procedure_content.CONTENT_COLUMNS)
    procedures = files["procedures.csv"].decode().splitlines()
    assert procedures[0] == (
        "code,name,field,processing_time,time_unit,online_level,has_fee,paper_result,"
        "agency_codes,valid_from,valid_to,"
        "applicant_types,submission_means,steps_description,required_documents"
    )
    assert procedures[1] == (
        "1.001193,Thủ tục đăng ký khai sinh,Hộ tịch,3,working_day,full,0,1,H26.01;H26.100,,,"
        'Công dân Việt Nam,"Trực tiếp, trực tuyến, bưu chính","Tiếp nhận, thẩm định, trả kết quả",'
        "Tờ khai"
    )
    # outside the range: nothing
    export(tmp_path / "april", "2026-04-01", "2026-04-30")
    assert (tmp_path / "april" / "dossiers.jsonl").read_bytes() == b""


@pytest.mark.django_db
def test_published_content_survives_export_and_import(cast, tmp_path):
    # The 766 metric PUBLIC_CONTENT_FULL counts procedures whose seven published fields are
    # filled; the contract's columns carry only some, so an export imported into an empty
    # database scored 0 on it where the source scored full marks.
    proc = Procedure.objects.get(code="1.001193")
    proc.required_documents.create(order=2, name="Giấy chứng sinh")
    names = list(proc.required_documents.order_by("order").values_list("name", flat=True))
    assert proc.missing_core_fields() == [] and len(names) == 2
    files = export(tmp_path / "first")
    out = io.StringIO()
    call_command("import_bundle", str(tmp_path / "first"), stdout=out, stderr=io.StringIO())
    assert "procedures.csv: 0 created, 0 updated, 1 unchanged, 0 rejected" in out.getvalue()

    empty_the_database()
    call_command("import_bundle", str(tmp_path / "first"), stdout=out, stderr=io.StringIO())
    imported = Procedure.objects.get(code="1.001193")
    assert imported.missing_core_fields() == []
    assert (imported.applicant_types, imported.submission_means) == (
        proc.applicant_types,
        proc.submission_means,
    )
    assert list(imported.required_documents.values_list("name", flat=True)) == names
    assert export(tmp_path / "second")["procedures.csv"] == files["procedures.csv"]
    # two documents are two lines of one cell: still one procedure row
    printed = io.StringIO()
    call_command(
        "export_bundle",
        str(tmp_path / "third"),
        "--from",
        "2026-03-01",
        "--to",
        "2026-03-31",
        stdout=printed,
    )
    assert "procedures.csv: 1 rows" in printed.getvalue().splitlines()


@pytest.mark.django_db
def test_a_bundle_without_content_columns_keeps_the_content(cast, tmp_path):
    proc = Procedure.objects.get(code="1.001193")
    row = export(tmp_path / "first")["procedures.csv"].decode().splitlines()[1]
    contract_only = (
        "code,name,field,processing_time,time_unit,online_level,has_fee,paper_result,"
        "agency_codes,valid_from,valid_to\n" + row.split(",,,")[0] + ",,\n"
    )
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "procedures.csv").write_text(contract_only, encoding="utf-8")
    out = io.StringIO()
    call_command("import_bundle", str(tmp_path / "other"), stdout=out, stderr=io.StringIO())
    assert "procedures.csv: 0 created, 0 updated, 1 unchanged" in out.getvalue()
    proc.refresh_from_db()
    assert proc.missing_core_fields() == [] and proc.required_documents.count() == 1
