"""petitions.jsonl goes through the feedback app's hooks (cchc.feedback.interchange)."""

from __future__ import annotations

import json

import pytest

from cchc.interchange.tests import bundles
from cchc.interchange.tests.bundles import run_import

pytestmark = pytest.mark.django_db

PETITION = bundles.petition(
    NgayXuLyXong="2026-03-10T10:00:00+07:00",
    NgayCongKhai="2026-03-11T08:00:00+07:00",
    TrangThai="DA_CONG_KHAI",
    MaHoSo=None,
    SoThich=3,
    SoKhongThich=1,
)


def write_petitions(directory, rows):
    return bundles.write(directory, procedures=None, petitions=rows)


def test_petitions_import_idempotently_and_export_the_same_line(tmp_path):
    d = write_petitions(tmp_path / "in", [PETITION])
    ok, lines, err = run_import(d)
    assert ok, err
    assert lines[-1] == "petitions.jsonl: 1 created, 0 updated, 0 unchanged, 0 rejected"
    ok, lines, _err = run_import(d)
    assert lines[-1] == "petitions.jsonl: 0 created, 0 updated, 1 unchanged, 0 rejected"
    bundles.export(tmp_path / "out")
    exported = json.loads((tmp_path / "out" / "petitions.jsonl").read_text(encoding="utf-8"))
    assert exported == PETITION


def test_a_bad_petition_refuses_the_file(tmp_path):
    bad = {**PETITION, "Ma": "PA-2", "MaDonVi": "H99.999"}
    ok, lines, err = run_import(write_petitions(tmp_path, [PETITION, bad, "{broken"]))
    assert not ok
    assert lines[-1] == "petitions.jsonl: 0 created, 0 updated, 0 unchanged, 2 rejected"
    assert "petitions.jsonl:2:" in err and "H99.999" in err and "petitions.jsonl:3:" in err


def test_skip_invalid_petitions(tmp_path):
    bad = {**PETITION, "Ma": "PA-2", "Kenh": "FAX"}
    ok, lines, _err = run_import(write_petitions(tmp_path, [PETITION, bad]), "--skip-invalid")
    assert ok
    assert lines[-1] == "petitions.jsonl: 1 created, 0 updated, 0 unchanged, 1 rejected"
    assert (tmp_path / "rejects" / "petitions.jsonl").read_text(encoding="utf-8") == json.dumps(
        bad, ensure_ascii=False
    ) + "\n"
