import datetime as dt
import io
import json
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from cchc.plans.interchange import import_tasks
from cchc.plans.models import Extension, Task, TaskEvent

pytestmark = pytest.mark.django_db

ROWS: list[dict[str, Any]] = [
    {
        "Ma": "NV-2026-0001",
        "TieuDe": "Báo cáo CCHC quý",
        "NguonVanBan": "KH 12/KH-UBND",
        "DonViChuTri": "H26.100",
        "DonViPhoiHop": ["H26.01"],
        "MaCha": None,
        "NgayGiao": "2026-01-15",
        "HanXuLy": "2026-06-30",
        "GiaHan": [{"HanMoi": "2026-07-15", "NgayDuyet": "2026-06-20"}],
        "NgayHoanThanh": "2026-07-10",
    },
    {
        "Ma": "NV-2026-0002",
        "TieuDe": "Số hóa hồ sơ",
        "NguonVanBan": "KH 12/KH-UBND",
        "DonViChuTri": "H26.100",
        "DonViPhoiHop": [],
        "MaCha": "NV-2026-0001",
        "NgayGiao": "2026-01-15",
        "HanXuLy": "2026-06-30",
        "GiaHan": [{"HanMoi": "2026-07-15", "NgayDuyet": "2026-07-01"}],
        "NgayHoanThanh": "2026-07-10",
    },
    {
        "Ma": "NV-2026-0003",
        "TieuDe": "Niêm yết TTHC",
        "NguonVanBan": "TB 45/TB-VP",
        "DonViChuTri": "H26.01",
        "DonViPhoiHop": [],
        "MaCha": None,
        "NgayGiao": "2026-02-01",
        "HanXuLy": "2026-03-31",
        "GiaHan": [],
        "NgayHoanThanh": None,
    },
    {
        "Ma": "NV-2026-0004",
        "TieuDe": "Kế hoạch năm sau",
        "NguonVanBan": "TB 45/TB-VP",
        "DonViChuTri": "H26.01",
        "DonViPhoiHop": [],
        "MaCha": None,
        "NgayGiao": "2026-11-01",
        "HanXuLy": "2027-01-31",
        "GiaHan": [],
        "NgayHoanThanh": None,
    },
    {
        "Ma": "NV-2027-0001",
        "TieuDe": "Chưa giao",
        "NguonVanBan": "TB 45/TB-VP",
        "DonViChuTri": "H26.01",
        "DonViPhoiHop": [],
        "MaCha": None,
        "NgayGiao": "2027-01-05",
        "HanXuLy": "2027-03-31",
        "GiaHan": [],
        "NgayHoanThanh": None,
    },
]


def _write(tmp_path, rows):
    path = tmp_path / "tasks.jsonl"
    path.write_text(
        "\n".join(r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in rows)
        + "\n",
        encoding="utf-8",
    )
    return path


def test_import_is_idempotent_and_report_follows_the_contract(cast, tmp_path):
    path = _write(tmp_path, ROWS)
    first = import_tasks(path)
    assert first.summary() == "tasks.jsonl: 5 created, 0 updated, 0 unchanged, 0 rejected"
    assert Task.objects.get(code="NV-2026-0002").parent == Task.objects.get(code="NV-2026-0001")
    assert Extension.objects.count() == 2
    second = import_tasks(path)
    assert second.summary() == "tasks.jsonl: 0 created, 0 updated, 5 unchanged, 0 rejected"
    assert TaskEvent.objects.count() == 5
    out = io.StringIO()
    call_command("report_tasks", "--as-of", "2026-12-31", "--format", "json", stdout=out)
    doc = json.loads(out.getvalue())
    assert doc == {
        "as_of": "2026-12-31",
        "agencies": [
            {
                "code": "H26.01",
                "total": 2,
                "done_on_time": 0,
                "done_late": 0,
                "within_deadline": 1,
                "overdue": 1,
            },
            {
                "code": "H26.100",
                "total": 2,
                "done_on_time": 1,
                "done_late": 1,
                "within_deadline": 0,
                "overdue": 0,
            },
        ],
    }
    # as of 2026-06-25 the first extension is known, the second not yet approved
    out = io.StringIO()
    call_command("report_tasks", "--as-of", "2026-07-05", stdout=out)
    h100 = json.loads(out.getvalue())["agencies"][1]
    assert h100 == {
        "code": "H26.100",
        "total": 2,
        "done_on_time": 0,
        "done_late": 0,
        "within_deadline": 1,
        "overdue": 1,
    }


def test_changed_row_updates(cast, tmp_path):
    import_tasks(_write(tmp_path, ROWS))
    changed = [dict(ROWS[2], NgayHoanThanh="2026-03-30")] + ROWS[:2] + ROWS[3:]
    result = import_tasks(_write(tmp_path, changed))
    assert (result.created, result.updated, result.unchanged) == (0, 1, 4)
    assert Task.objects.get(code="NV-2026-0003").completed_on == dt.date(2026, 3, 30)
    assert TaskEvent.objects.filter(task__code="NV-2026-0003", action="import_update").count() == 1


def test_bad_lines_are_reported_by_line_and_nothing_is_committed(cast, tmp_path):
    bad = [
        ROWS[0],
        "{not json",
        dict(ROWS[2], Ma="NV-X-1", HanXuLy="2026-01-01"),
        dict(ROWS[2], Ma="NV-X-2", DonViChuTri="H99.999"),
        dict(ROWS[2], Ma="NV-X-3", MaCha="NV-NONE"),
        dict(ROWS[2], Ma="NV-X-4", NgayGiao="15/01/2026"),
    ]
    path = _write(tmp_path, bad)
    result = import_tasks(path)
    assert result.refused
    assert [r.line for r in result.rejects] == [2, 3, 4, 6, 5] or sorted(
        r.line for r in result.rejects
    ) == [2, 3, 4, 5, 6]
    assert not Task.objects.exists()
    with pytest.raises(CommandError):
        call_command("import_tasks", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    err = io.StringIO()
    call_command("import_tasks", str(path), "--skip-invalid", stdout=io.StringIO(), stderr=err)
    assert Task.objects.count() == 1
    assert "tasks.jsonl:3:" in err.getvalue()


def test_a_notepad_file_and_its_typos_are_read_in_the_readers_language(cast, tmp_path):
    """tasks.jsonl saved by Notepad (a byte order mark) had its first task refused with the
    parser's English ('Expecting value'), and so did every typo; a line not in UTF-8 is
    named as such, not read as garbage."""
    from django.utils import translation

    lines = [json.dumps(r, ensure_ascii=False) for r in ROWS[:3]]
    path = tmp_path / "tasks.jsonl"
    path.write_bytes(
        b"\xef\xbb\xbf"
        + lines[0].encode()
        + b"\r\n"
        + lines[1].encode()
        + b"\r\n"
        + lines[2].replace('"TieuDe":', '"TieuDe"').encode()
        + b"\r\n"
        + '{"Ma": "NV-2026-0009", "TieuDe": "Ti\xeau \xf0\xe8"}'.encode("latin-1")
        + b"\n"
    )
    with translation.override("vi"):
        result = import_tasks(path, skip_invalid=True)
    assert result.created == 2, [(r.line, r.reason) for r in result.rejects]
    assert Task.objects.filter(code="NV-2026-0001").exists()
    reasons = {r.line: r.reason for r in result.rejects}
    assert set(reasons) == {3, 4}
    assert "ký tự" in reasons[3] and "Expecting" not in reasons[3], reasons[3]
    assert "UTF-8" in reasons[4], reasons[4]
