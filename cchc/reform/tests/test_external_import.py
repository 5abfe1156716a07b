"""`import_par_external`: published PAPI / PAR INDEX / SIPAS values from par_external.csv;
a bad row is reported as file:line: reason and nothing of the file is saved."""

from __future__ import annotations

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from cchc.reform import external
from cchc.reform.models import ExternalValue

HEADER = "index,year,province_code,node_code,node_name,score,max_score,rank,group,lead_agency\n"
GOOD = HEADER + (
    "PAPI,2024,01,,Tổng,40.5,,,,\n"
    "PAPI,2024,79,,Tổng,42.1,,,,\n"
    "PAPI,2024,48,,Tổng,44.0,,,,\n"
    "PAPI,2025,01,,Tổng,45.2,,,Nhóm cao nhất,\n"
    "PAPI,2025,79,,Tổng,42.0,,,,\n"
    "PAPI,2025,48,,Tổng,44.9,,,,\n"
    "PAPI,2025,01,D2,Công khai minh bạch,5.6512,,,,{lead}\n"
    "PAPI,2025,01,D2.1,Tiếp cận thông tin,1.2,2.5,,,{lead}\n"
    "PAR,2025,01,,Chỉ số CCHC,88.25,,12,,\n"
    "SIPAS,2025,01,,Chỉ số hài lòng,86.5,,,,\n"
)


def run(path, *extra):  # type: ignore[no-untyped-def]
    out, err = StringIO(), StringIO()
    call_command("import_par_external", str(path), *extra, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def write(tmp_path, text, name="par_external.csv"):  # type: ignore[no-untyped-def]
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.django_db
def test_import_records_values_computes_rank_and_assigns_lead_departments(cast, tmp_path):
    path = write(tmp_path, GOOD.format(lead=cast.agency_b.code))
    out, err = run(path)
    assert "par_external.csv: 10 created, 0 updated, 0 unchanged, 0 rejected" in out
    assert err == ""
    d2 = ExternalValue.objects.get(index="PAPI", year=2025, province_code="01", node_code="D2")
    assert d2.score == Decimal("5.6512") and d2.max_score == 10  # a dimension: out of 10
    assert d2.lead_agency == cast.agency_b
    assert ExternalValue.objects.get(node_code="D2.1").max_score == Decimal("2.5")
    total = ExternalValue.objects.get(index="PAPI", year=2025, province_code="01", node_code="")
    assert total.max_score == 80 and total.group == "Nhóm cao nhất"
    # the publisher gave scores only: the province's rank is computed, 3rd -> 1st
    fig = external.figure("PAPI", 2025)
    assert (fig["rank"], fig["rank_change"]) == (1, 2)
    assert external.figure("PAR", 2025)["rank"] == 12  # the published rank is kept
    # a second run changes nothing; a corrected figure updates only its row
    out, _ = run(tmp_path)  # a directory holding par_external.csv
    assert "0 created, 0 updated, 10 unchanged, 0 rejected" in out
    write(tmp_path, GOOD.format(lead=cast.agency_b.code).replace("86.5", "87.1"))
    out, _ = run(path)
    assert "0 created, 1 updated, 9 unchanged, 0 rejected" in out
    assert ExternalValue.objects.get(index="SIPAS").score == Decimal("87.1")


@pytest.mark.django_db
def test_optional_columns_may_be_left_out(cast, tmp_path):
    path = write(tmp_path, "index,year,province_code,node_code,score\nSIPAS,2025,01,,86.5\n")
    out, _ = run(path)
    assert "1 created" in out
    assert ExternalValue.objects.get().max_score == 100
    # the province alone on record has no rank: it was shown "1st", and "+20" against the
    # published 21st of the year before
    assert external.figure("SIPAS", 2025)["rank"] is None


BAD_ROWS = [
    ("XYZ,2025,01,,,5,,,,", "XYZ"),
    ("PAPI,25,01,,,5,,,,", "'25'"),
    ("PAPI,2025,1,,,5,,,,", "province_code"),
    ("PAPI,2025,01,D9,,5,,,,", "D1"),
    ("PAPI,2025,01,D1,,11,,,,", "10"),  # a dimension scores out of 10
    ("PAPI,2025,01,D1,,-1,,,,", "-1"),
    ('PAPI,2025,01,D1,,"7,5",,,,', "7.25"),  # decimal comma
    ("PAPI,2025,01,D1,,abc,,,,", "abc"),
    ("PAPI,2025,01,D1,,,,,,", "score"),
    ("SIPAS,2025,01,,,86,,0,,", "rank"),
    ("SIPAS,2025,01,,,86,,,,XX.99", "XX.99"),
    ("PAPI,2025,01,D3,,5,,,", ""),  # a column short
    ("PAPI,2024,01,,,40,,,,", "2"),  # the same value as line 2
]


@pytest.mark.django_db
def test_bad_rows_are_refused_with_file_line_and_reason_and_nothing_is_saved(cast, tmp_path):
    text = HEADER + "PAPI,2024,01,,,40,,,,\n" + "\n".join(r for r, _ in BAD_ROWS) + "\n"
    path = write(tmp_path, text)
    err = StringIO()
    with pytest.raises(CommandError, match="par_external.csv"):
        call_command("import_par_external", str(path), stdout=StringIO(), stderr=err)
    lines = err.getvalue().splitlines()
    assert len(lines) == len(BAD_ROWS)
    for n, (line, (_row, hint)) in enumerate(zip(lines, BAD_ROWS, strict=True), start=3):
        assert line.startswith(f"par_external.csv:{n}: "), line
        assert hint in line, (hint, line)
    assert not ExternalValue.objects.exists()  # the good line 2 was not saved either
    # asked to skip them, the good row alone is loaded
    out, _ = run(path, "--skip-invalid")
    assert f"1 created, 0 updated, 0 unchanged, {len(BAD_ROWS)} rejected" in out
    assert ExternalValue.objects.count() == 1


@pytest.mark.django_db
def test_a_file_that_is_not_utf8_or_lacks_columns_is_refused(cast, tmp_path):
    path = tmp_path / "par_external.csv"
    path.write_bytes((HEADER + "PAPI,2025,01,,Hà,40,,,,\n").encode("latin-1"))
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_par_external", str(path), stdout=StringIO(), stderr=err)
    assert "par_external.csv:1:" in err.getvalue() and "UTF-8" in err.getvalue()
    write(tmp_path, "index,year,score\nPAPI,2025,40\n")
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_par_external", str(path), stdout=StringIO(), stderr=err)
    assert "par_external.csv:1:" in err.getvalue() and "province_code" in err.getvalue()
    assert not ExternalValue.objects.exists()
