"""What a province's IT staff meet when their old system's files are not quite clean, and the
bundle files of §7: a file saved by Notepad (BOM), bytes that are not UTF-8, a JSON typo, a
wrong header, and tasks.jsonl in the bundle directory."""

from __future__ import annotations

import json

import pytest
from django.utils import translation

from cchc.agencies.models import Agency
from cchc.dossiers.models import Dossier
from cchc.interchange.tests import bundles
from cchc.interchange.tests.bundles import run_import
from cchc.plans.models import Task

pytestmark = pytest.mark.django_db

TASK = {
    "Ma": "NV-2026-0001",
    "TieuDe": "Rà soát thủ tục hộ tịch",
    "NguonVanBan": "KH 12/KH-UBND",
    "DonViChuTri": "H26.900",
    "DonViPhoiHop": ["H26.901"],
    "MaCha": None,
    "NgayGiao": "2026-01-15",
    "HanXuLy": "2026-06-30",
    "GiaHan": [{"HanMoi": "2026-07-15", "NgayDuyet": "2026-06-20"}],
    "NgayHoanThanh": "2026-07-10",
}


def test_tasks_in_the_bundle_directory_are_loaded(tmp_path):
    # interchange.md §7: tasks.jsonl is a bundle file; it used to be left out without a word.
    d = bundles.write(tmp_path, procedures=None)
    (d / "tasks.jsonl").write_text(json.dumps(TASK, ensure_ascii=False) + "\n", encoding="utf-8")
    ok, lines, err = run_import(d)
    assert ok, err
    assert lines[-1] == "tasks.jsonl: 1 created, 0 updated, 0 unchanged, 0 rejected"
    task = Task.objects.get(code="NV-2026-0001")
    assert task.lead_agency.code == "H26.900" and task.completed_on.isoformat() == "2026-07-10"
    ok, lines, _err = run_import(d)
    assert ok and lines[-1] == "tasks.jsonl: 0 created, 0 updated, 1 unchanged, 0 rejected"


def test_a_bad_task_refuses_the_file_with_its_line(tmp_path):
    d = bundles.write(tmp_path, procedures=None)
    bad = dict(TASK, Ma="NV-2026-0002", DonViChuTri="H26.999")
    (d / "tasks.jsonl").write_text(
        json.dumps(TASK) + "\n" + json.dumps(bad) + "\n", encoding="utf-8"
    )
    ok, lines, err = run_import(d)
    assert not ok
    assert lines[-1] == "tasks.jsonl: 0 created, 0 updated, 0 unchanged, 1 rejected"
    assert "tasks.jsonl:2:" in err and not Task.objects.exists()
    ok, lines, _err = run_import(d, "--skip-invalid")
    assert ok and lines[-1] == "tasks.jsonl: 1 created, 0 updated, 0 unchanged, 1 rejected"
    assert (d / "rejects" / "tasks.jsonl").read_text(encoding="utf-8") == json.dumps(bad) + "\n"


def test_tasks_file_not_in_utf8_is_a_reason_not_a_traceback(tmp_path):
    d = bundles.write(tmp_path, procedures=None)
    (d / "tasks.jsonl").write_bytes(
        json.dumps(TASK).encode() + b'\n{"Ma": "NV-2", "TieuDe": "M\xe3"}\n'
    )
    with translation.override("vi"):
        ok, lines, err = run_import(d)
    assert not ok
    assert lines[-1] == "tasks.jsonl: 0 created, 0 updated, 0 unchanged, 1 rejected"
    assert "tasks.jsonl:2: dòng không phải văn bản UTF-8 (byte 0xE3)" in err


def test_a_csv_row_not_in_utf8_is_rejected_with_its_line(tmp_path):
    # A row typed in a legacy code page (TCVN3, Windows-1258) used to stop the whole import
    # with a UnicodeDecodeError traceback.
    d = bundles.write(tmp_path, procedures=None)
    data = (d / "agencies.csv").read_bytes() + b"H26.950,UBND x\xe3 A,COMMUNE,,,01,2025-07-01,,\n"
    (d / "agencies.csv").write_bytes(data)
    with translation.override("vi"):
        ok, lines, err = run_import(d)
    assert not ok
    assert lines[0] == "agencies.csv: 0 created, 0 updated, 0 unchanged, 1 rejected"
    assert "agencies.csv:5: dòng không phải văn bản UTF-8 (byte 0xE3)" in err
    ok, lines, _err = run_import(d, "--skip-invalid")
    assert ok and lines[0] == "agencies.csv: 3 created, 0 updated, 0 unchanged, 1 rejected"
    # the reject goes back byte for byte, so the operator can see and fix it
    assert (
        (d / "rejects" / "agencies.csv")
        .read_bytes()
        .endswith(b"H26.950,UBND x\xe3 A,COMMUNE,,,01,2025-07-01,,\n")
    )


def test_a_header_not_in_utf8_refuses_the_file(tmp_path):
    d = bundles.write(tmp_path, procedures=None)
    (d / "agencies.csv").write_bytes(b"code,n\xe3me\nH26.950,A\n")
    ok, lines, err = run_import(d)
    assert not ok and "agencies.csv:1:" in err and "0xE3" in err
    assert not Agency.objects.filter(code="H26.950").exists()


def test_jsonl_saved_with_a_bom_loads_its_first_line(tmp_path):
    # Notepad's "UTF-8" writes EF BB BF first; the first dossier and petition were refused.
    d = bundles.write(tmp_path, dossiers=[bundles.dossier()], petitions=[bundles.petition()])
    for name in ("dossiers.jsonl", "petitions.jsonl"):
        (d / name).write_bytes(b"\xef\xbb\xbf" + (d / name).read_bytes().replace(b"\n", b"\r\n"))
    ok, lines, err = run_import(d)
    assert ok, err
    assert lines[2:] == [
        "dossiers.jsonl: 1 created, 0 updated, 0 unchanged, 0 rejected",
        "petitions.jsonl: 1 created, 0 updated, 0 unchanged, 0 rejected",
    ]
    assert Dossier.objects.count() == 1


def test_json_typos_are_explained_in_vietnamese_with_the_character(tmp_path):
    d = bundles.write(
        tmp_path,
        dossiers=['{"MaHoSo": "X-1" "MaTTHC": "2.000635"}', '{"MaHoSo": "X-2", }'],
    )
    (d / "petitions.jsonl").write_bytes(b"{'Ma': 'PA-1'}\n" + b'{"Ma": "PA-\xe3"}\n')
    with translation.override("vi"):
        ok, _lines, err = run_import(d)
    assert not ok
    assert (
        "dossiers.jsonl:1: dòng không phải JSON hợp lệ, tại ký tự thứ 18: thiếu dấu phẩy ','" in err
    )
    assert "dossiers.jsonl:2: dòng không phải JSON hợp lệ, tại ký tự thứ 19: tên trường" in err
    assert "petitions.jsonl:1: dòng không phải JSON hợp lệ, tại ký tự thứ 2: tên trường" in err
    assert "petitions.jsonl:2: dòng không phải văn bản UTF-8 (byte 0xE3)" in err
    assert "Expecting" not in err and "codec" not in err


def test_a_wrong_header_is_said_once(tmp_path):
    d = bundles.write(tmp_path, agencies="ma,ten,cap\nH26.1,A,COMMUNE\n", procedures=None)
    ok, _lines, err = run_import(d)
    assert not ok
    assert err.count("code, name, level") == 1 and "agencies.csv:1:" in err


def test_export_carries_survey_responses_and_tasks(tmp_path):
    # An export taken to a new installation used to hold neither (§5, §7): its SIPAS results
    # and reform-task report were empty there.
    parent = dict(TASK, Ma="NV-2025-0009", NgayGiao="2025-12-01", NgayHoanThanh=None, GiaHan=[])
    child = dict(TASK, MaCha="NV-2025-0009")
    response = {
        "MaPhieu": "KS-2026-000001",
        "PhuongPhap": "sipas-2023",
        "Ky": "2026",
        "MaDonVi": "H26.900",
        "HinhThuc": "paper_post",
        "NgayThu": "2026-01-20T09:00:00+07:00",
        "TraLoi": {"P1.1": 5, "P1.2": 4, "A1": 9, "B2": None},
    }
    d = bundles.write(tmp_path / "in", procedures=None)
    (d / "tasks.jsonl").write_text(
        "".join(json.dumps(t, ensure_ascii=False) + "\n" for t in (child, parent)),
        encoding="utf-8",
    )
    (d / "survey_responses.jsonl").write_text(json.dumps(response) + "\n", encoding="utf-8")
    ok, _lines, err = run_import(d)
    assert ok, err
    files = bundles.export(tmp_path / "out", "2026-01-01", "2026-01-31")
    # the parent, assigned before the range, comes along (and first) so MaCha resolves
    assert [json.loads(line) for line in files["tasks.jsonl"].splitlines()] == [parent, child]
    assert [json.loads(line) for line in files["survey_responses.jsonl"].splitlines()] == [response]
    # imported back, the export is what is stored: nothing changes
    ok, lines, err = run_import(tmp_path / "out")
    assert ok, err
    assert "tasks.jsonl: 0 created, 0 updated, 2 unchanged, 0 rejected" in lines
    assert "survey_responses.jsonl: 0 created, 0 updated, 1 unchanged, 0 rejected" in lines
    assert Task.objects.get(code="NV-2026-0001").parent.code == "NV-2025-0009"


def test_a_misnamed_file_is_pointed_out(tmp_path):
    d = bundles.write(tmp_path, procedures=None)
    (d / "Dossiers.jsonl").write_text("{}\n", encoding="utf-8")
    with translation.override("vi"):
        ok, _lines, err = run_import(d)
    assert ok
    assert "Dossiers.jsonl: không phải tên tệp của gói dữ liệu, không được đọc" in err
    assert "agencies.csv:" not in err


def test_fee_refusals_say_what_is_wrong(tmp_path):
    d = bundles.write(
        tmp_path,
        dossiers=[bundles.dossier(PhiLePhi=-5000), bundles.dossier("X-2", PhiLePhi=10**30)],
    )
    with translation.override("vi"):
        ok, _lines, err = run_import(d)
    assert not ok
    assert "dossiers.jsonl:1: PhiLePhi không được âm: -5000." in err
    assert (
        "dossiers.jsonl:2: PhiLePhi 1e+30 lớn hơn mọi mức phí (tối đa 1.000.000.000.000.000 đồng)."
        in err
    )


def test_a_code_repeated_after_a_refused_row_is_reported(tmp_path):
    # The first H26.950 is refused (province 99); its repeat used to pass unremarked and,
    # with --skip-invalid, was created in its place.
    agencies = (
        bundles.AGENCIES
        + "H26.950,UBND xã A,COMMUNE,,,99,2025-07-01,,\n"
        + "H26.950,UBND xã B,COMMUNE,,,01,2025-07-01,,\n"
    )
    d = bundles.write(tmp_path, agencies=agencies, procedures=None)
    ok, lines, err = run_import(d, "--skip-invalid")
    assert lines[0] == "agencies.csv: 3 created, 0 updated, 0 unchanged, 2 rejected"
    assert "agencies.csv:6: " in err and "H26.950" in err.split("agencies.csv:6: ")[1]
    assert not Agency.objects.filter(code="H26.950").exists()


def test_a_huge_processing_time_is_called_too_large(tmp_path):
    procedures = (
        "code,name,field,processing_time,time_unit,online_level,has_fee,paper_result,"
        "agency_codes,valid_from,valid_to\n"
        "2.000636,Cấp bản sao,Hộ tịch,99999999999999999999,working_day,full,1,1,H26.900,,\n"
    )
    d = bundles.write(tmp_path, procedures=procedures)
    with translation.override("vi"):
        ok, _lines, err = run_import(d)
    assert not ok
    assert "procedures.csv:2: processing_time phải nhỏ hơn 100000" in err
