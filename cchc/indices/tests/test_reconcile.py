"""reconcile_766 against the national portal's official rows (interchange.md §3)."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

REFERENCE = Path(settings.BASE_DIR).parent / "shared" / "reference" / "dvcqg-766-phu-tho"

pytestmark = pytest.mark.django_db


@pytest.mark.skipif(not REFERENCE.exists(), reason=f"reference data not found at {REFERENCE}")
def test_every_confirmed_official_row_matches():
    out = StringIO()
    call_command("reconcile_766", str(REFERENCE), stdout=out)  # SystemExit(1) would fail the test
    text = out.getvalue()
    assert "confirmed groups: 2460/2460 rows match" in text
    lines = {
        line.split()[0]: line.split()
        for line in text.splitlines()
        if line.split()
        and line.split()[0]
        in ("transparency", "progress", "online", "payment", "digitization", "satisfaction")
    }
    for code in ("transparency", "progress", "payment", "digitization", "satisfaction"):
        assert lines[code][1] == "confirmed"
        assert lines[code][3] == lines[code][4] == "492"
        assert float(lines[code][5]) <= 0.015
    assert lines["online"][1] == "provisional"
    assert lines["online"][3] == "3"  # parent rows only


def _portal_file(tmp_path, total_score):
    row = {
        "departmentCode": "H26.01",
        "departmentName": "Sở A",
        "totalScore": total_score,
        "metrics": [
            {"code": "PUBLISH_ON_TIME", "numerator": 1, "denominator": 2, "score": 3},
            {"code": "PUBLIC_UPDATE_ON_TIME", "numerator": 0, "denominator": 0, "score": None},
            {"code": "PUBLIC_CONTENT_FULL", "numerator": 2, "denominator": 2, "score": 2},
            {"code": "DOSSIER_SYNC", "numerator": 3, "denominator": 4, "score": 4.5},
        ],
    }
    path = tmp_path / "transparency.json"
    path.write_text(
        json.dumps({"code": "OK", "data": {"overview": None, "evaluation": [row]}}),
        encoding="utf-8",
    )
    return path


def test_a_wrong_official_row_fails_the_command(tmp_path):
    out = StringIO()
    call_command("reconcile_766", str(_portal_file(tmp_path, 9.5)), stdout=out)
    assert "1/1 rows match" in out.getvalue()
    with pytest.raises(SystemExit) as exc:
        call_command("reconcile_766", str(_portal_file(tmp_path, 9.6)), stdout=StringIO())
    assert exc.value.code == 1


def test_not_a_portal_file_is_reported(tmp_path):
    bad = tmp_path / "x.json"
    bad.write_text("[1, 2]", encoding="utf-8")
    err = StringIO()
    with pytest.raises(CommandError, match="Không đọc được tệp báo cáo nào của Cổng"):
        call_command("reconcile_766", str(bad), stdout=StringIO(), stderr=err)
    assert "x.json không có đối tượng 'data'" in err.getvalue()
    # a path that is not there: said in Vietnamese like the rest
    with pytest.raises(CommandError, match="không tồn tại"):
        call_command("reconcile_766", str(tmp_path / "missing"), stdout=StringIO())
