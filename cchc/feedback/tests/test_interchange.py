import datetime as dt
import json

import pytest

from cchc.core.errors import ValidationFailed
from cchc.dossiers import services as dossier_services
from cchc.feedback.interchange import (
    FIELDS,
    apply_petition_rows,
    export_petition_rows,
    validate_petition_row,
)
from cchc.feedback.models import Petition
from cchc.feedback.tests.factories import MONDAY, file


def make_dossier(cast):
    return dossier_services.submit_online(
        procedure=cast.procedure,
        receiving_agency=cast.agency_b,
        competent_agency=cast.agency_b,
        applicant=dossier_services.Applicant(name="Nguyễn Văn An", phone="0912345678"),
        actor=cast.citizen,
        at=MONDAY,
    )


ROW = {
    "Ma": "PA-2026-000123",
    "MaDonVi": "H26.100",
    "LoaiPhanAnh": "TTHC",
    "Kenh": "WEB",
    "NgayTiepNhan": "2026-02-13T16:30:00+07:00",
    "HanXuLy": "2026-03-09T16:30:00+07:00",
    "NgayXuLyXong": "2026-02-20T10:00:00+07:00",
    "NgayCongKhai": "2026-02-23T10:00:00+07:00",
    "TrangThai": "DA_CONG_KHAI",
    "MaHoSo": None,
    "SoThich": 3,
    "SoKhongThich": 1,
}


def test_import_is_idempotent_and_updates_by_code(cast):
    assert apply_petition_rows([ROW]) == {"created": 1, "updated": 0, "unchanged": 0}
    assert apply_petition_rows([ROW]) == {"created": 0, "updated": 0, "unchanged": 1}
    assert apply_petition_rows([dict(ROW, SoKhongThich=5)]) == {
        "created": 0,
        "updated": 1,
        "unchanged": 0,
    }
    p = Petition.objects.get(code="PA-2026-000123")
    assert (p.likes, p.dislikes, p.status, p.agency.code) == (3, 5, "PUBLISHED", "H26.100")
    assert p.is_unsatisfied
    assert list(p.events.values_list("action", flat=True)) == ["import", "import_update"]
    # moved to another agency by the other system: compared by key, stored as the agency
    assert apply_petition_rows([dict(ROW, SoKhongThich=5, MaDonVi="H26.01")]) == {
        "created": 0,
        "updated": 1,
        "unchanged": 0,
    }
    p.refresh_from_db()
    assert p.agency == cast.agency_b and p.province_code == cast.agency_b.province_code
    assert apply_petition_rows([dict(ROW, SoKhongThich=5, MaDonVi="H26.01")]) == {
        "created": 0,
        "updated": 0,
        "unchanged": 1,
    }


TEXTS = {
    "TieuDe": "Hồ sơ đăng ký khai sinh quá hạn",
    "NoiDung": "Tôi nộp hồ sơ ngày 02/02.\nĐến nay chưa có kết quả 🙏.",
    "TraLoi": "Đơn vị đã trả kết quả và xin lỗi Ông/Bà.",
}


def test_export_round_trip_exact_fields(cast):
    apply_petition_rows([{**ROW, **TEXTS}])
    rows = list(export_petition_rows(dt.date(2026, 2, 1), dt.date(2026, 2, 28)))
    assert rows == [{**ROW, **TEXTS}]
    assert tuple(rows[0]) == FIELDS
    p = Petition.objects.get()
    assert (p.title, p.description, p.answer) == tuple(TEXTS.values())
    assert "qua han" in p.search_text  # found by the folded search like a typed petition
    assert list(export_petition_rows(dt.date(2026, 3, 1), dt.date(2026, 3, 31))) == []
    json.dumps(rows)  # serialisable as JSON lines


def test_a_petition_without_texts_exports_the_older_line(cast):
    apply_petition_rows([ROW])
    assert list(export_petition_rows(dt.date(2026, 2, 1), dt.date(2026, 2, 28))) == [ROW]
    assert apply_petition_rows([{**ROW, "TieuDe": "Mới có tiêu đề"}])["updated"] == 1
    assert Petition.objects.get().title == "Mới có tiêu đề"


def test_export_of_a_live_petition(cast):
    dossier = make_dossier(cast)
    p = file(cast.agency_b, dossier_code=dossier.code)
    (row,) = export_petition_rows(dt.date(2026, 11, 16), dt.date(2026, 11, 16))
    assert (
        row["Ma"] == p.code and row["MaHoSo"] == dossier.code and row["TrangThai"] == "DA_TIEP_NHAN"
    )
    assert row["NgayTiepNhan"] == "2026-11-16T09:00:00+07:00" and row["NgayXuLyXong"] is None
    assert row["HanXuLy"].endswith("+07:00")


@pytest.mark.parametrize(
    "change, reason",
    [
        ({"MaDonVi": "H99.999"}, "MaDonVi"),
        ({"LoaiPhanAnh": "XYZ"}, "LoaiPhanAnh"),
        ({"Kenh": "FAX"}, "Kenh"),
        ({"NgayTiepNhan": "2026-02-13T16:30:00"}, "NgayTiepNhan"),
        ({"NgayTiepNhan": "13/02/2026"}, "NgayTiepNhan"),
        ({"TrangThai": "XONG"}, "TrangThai"),
        ({"SoThich": -1}, "SoThich"),
        ({"NgayCongKhai": None}, "NgayCongKhai"),
        ({"Ma": ""}, "Ma"),
        ({"Extra": 1}, "Extra"),
        ({"TieuDe": 5}, "TieuDe"),
        ({"NoiDung": "bad\x00text"}, "NoiDung"),
        ({"TieuDe": "x" * 201}, "TieuDe"),
        ({"TraLoi": "y" * 10001}, "TraLoi"),
    ],
)
def test_invalid_rows_are_refused_with_reason(cast, change, reason):
    with pytest.raises(ValidationFailed) as err:
        validate_petition_row(dict(ROW, **change))
    assert reason in err.value.message or err.value.field == reason


def test_one_bad_row_stores_nothing(cast):
    with pytest.raises(ValidationFailed, match="Row 2|Dòng 2"):
        apply_petition_rows([ROW, dict(ROW, Ma="PA-2026-000124", MaDonVi="NOPE")])
    assert not Petition.objects.exists()
