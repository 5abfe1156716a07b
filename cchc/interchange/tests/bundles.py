"""Small bundles written by the tests (the cast's agencies H26.100 / H26.01 and procedure 1.001193)."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

from django.core.management import CommandError, call_command

from cchc.testing import write_bundle_files

AGENCIES = (
    "code,name,level,parent_code,group,province_code,valid_from,valid_to,successor_codes\n"
    'H26.900,UBND phường Ba Đình,COMMUNE,,"Xã, phường",01,2025-07-01,,\n'
    "H26.800,UBND quận Ba Đình (cũ),DISTRICT,,Quận huyện (cũ),01,2010-01-01,2025-06-30,H26.900;H26.901\n"
    'H26.901,UBND phường Ngọc Hà,COMMUNE,,"Xã, phường",01,2025-07-01,,\n'
)
PROCEDURES = (
    "code,name,field,processing_time,time_unit,online_level,has_fee,paper_result,agency_codes,valid_from,valid_to\n"
    "2.000635,Cấp bản sao trích lục hộ tịch,Hộ tịch,1,working_day,full,1,1,H26.900;H26.901,2025-07-01,\n"
    "1.004227,Đăng ký kết hôn,Hộ tịch,5,working_day,partial,0,1,H26.900,,\n"
)


def dossier(code: str = "000.01.01.H26-260302-0001", **overrides: Any) -> dict[str, Any]:
    """A returned-on-time dossier with one supplement pause (Mon 2 March 2026)."""
    row = {
        "MaHoSo": code,
        "MaTTHC": "2.000635",
        "MaDonViTiepNhan": "H26.900",
        "MaDonViXuLy": "H26.900",
        "KenhThucHien": 2,
        "NgayNopHoSo": "2026-03-02T08:30:00+07:00",
        "NgayTiepNhan": "2026-03-02T09:00:00+07:00",
        "NgayHenTra": "2026-03-03T09:00:00+07:00",
        "NgayKetThucXuLy": "2026-03-04T10:00:00+07:00",
        "NgayTraKetQua": "2026-03-04T15:00:00+07:00",
        "TrangThaiHoSo": 10,
        "DuocThanhToanTrucTuyen": 1,
        "PhiLePhi": 8000,
        "HoSoCoThanhPhanSoHoa": 1,
        "CoKetQuaDienTu": 1,
        "TaiSuDungDuLieuSoHoa": 0,
        "DanhGia": 5,
        "LichSu": [
            {
                "TrangThai": 1,
                "ThoiDiem": "2026-03-02T08:30:00+07:00",
                "DonVi": "H26.900",
                "GhiChu": "",
            },
            {
                "TrangThai": 2,
                "ThoiDiem": "2026-03-02T09:00:00+07:00",
                "DonVi": "H26.900",
                "GhiChu": "",
            },
            {
                "TrangThai": 4,
                "ThoiDiem": "2026-03-02T10:00:00+07:00",
                "DonVi": "H26.900",
                "GhiChu": "chuyển thụ lý",
            },
            {
                "TrangThai": 5,
                "ThoiDiem": "2026-03-02T11:00:00+07:00",
                "DonVi": "H26.900",
                "GhiChu": "bổ sung tờ khai",
            },
            {
                "TrangThai": 4,
                "ThoiDiem": "2026-03-03T11:00:00+07:00",
                "DonVi": "H26.900",
                "GhiChu": "",
            },
            {
                "TrangThai": 9,
                "ThoiDiem": "2026-03-04T10:00:00+07:00",
                "DonVi": "H26.900",
                "GhiChu": "",
            },
            {
                "TrangThai": 10,
                "ThoiDiem": "2026-03-04T15:00:00+07:00",
                "DonVi": "H26.900",
                "GhiChu": "",
            },
        ],
    }
    row.update(overrides)
    return row


def open_dossier(code: str = "000.01.01.H26-260302-0002") -> dict[str, Any]:
    """Still being processed at the time of export (status 4)."""
    row = dossier(
        code,
        NgayKetThucXuLy=None,
        NgayTraKetQua=None,
        TrangThaiHoSo=4,
        DanhGia=None,
        CoKetQuaDienTu=0,  # no result yet, so no electronic result
    )
    row["LichSu"] = row["LichSu"][:3]
    return row


def petition(**overrides: Any) -> dict[str, Any]:
    """A received petition of the bundle's agency (petitions.jsonl, interchange.md §1)."""
    row = {
        "Ma": "PA-2026-000123",
        "MaDonVi": "H26.900",
        "LoaiPhanAnh": "TTHC",
        "Kenh": "WEB",
        "NgayTiepNhan": "2026-03-02T09:00:00+07:00",
        "HanXuLy": "2026-03-23T09:00:00+07:00",
        "TrangThai": "DA_TIEP_NHAN",
    }
    row.update(overrides)
    return row


def write(
    directory: Path,
    *,
    agencies: str | None = AGENCIES,
    procedures: str | None = PROCEDURES,
    dossiers: list[Any] | None = None,
    petitions: list[Any] | None = None,
) -> Path:
    return write_bundle_files(
        directory,
        {
            "agencies.csv": agencies,
            "procedures.csv": procedures,
            "dossiers.jsonl": json_lines(dossiers),
            "petitions.jsonl": json_lines(petitions),
        },
    )


def json_lines(rows: list[Any] | None) -> str | None:
    """A JSONL file of `rows`, each a JSON object or a line given as it is (a malformed one)."""
    if rows is None:
        return None
    return "".join(
        (r if isinstance(r, str) else json.dumps(r, ensure_ascii=False)) + "\n" for r in rows
    )


def run_import(directory: Path, *args: str) -> tuple[bool, list[str], str]:
    """(exit ok?, stdout lines, stderr text) of import_bundle."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_bundle", str(directory), *args, stdout=out, stderr=err)
        ok = True
    except CommandError:
        ok = False
    return ok, out.getvalue().splitlines(), err.getvalue()


def export(directory: Path, start: str = "2026-03-01", end: str = "2026-03-31") -> dict[str, bytes]:
    """export_bundle of [start, end] into `directory`; the files written, by name."""
    call_command(
        "export_bundle", str(directory), "--from", start, "--to", end, stdout=io.StringIO()
    )
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir()) if p.is_file()}
