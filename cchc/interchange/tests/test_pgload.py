"""The PostgreSQL loader (worker processes + COPY) gives the same result as the serial path:
same rows, same rejects with the same line numbers, duplicates found across blocks."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.db import connection

from cchc.dossiers.models import Dossier, DossierEvent, DossierSearch
from cchc.interchange import pgload
from cchc.interchange.dossiers import import_dossiers
from cchc.interchange.tests import bundles

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the COPY loader is PostgreSQL's"),
]


def many(count: int) -> list[object]:
    """`count` dossiers with distinct codes, alternating finished and open ones."""
    rows: list[object] = []
    for i in range(count):
        code = f"000.01.01.H26-260302-{i + 1:04d}"
        rows.append(bundles.dossier(code) if i % 2 == 0 else bundles.open_dossier(code))
    return rows


def load(tmp_path, rows, monkeypatch, *, workers: int):
    d = bundles.write(tmp_path, dossiers=None)
    call_command(
        "import_bundle", str(d), stdout=io.StringIO(), stderr=io.StringIO()
    )  # agencies, procedures
    bundles.write(tmp_path, agencies=None, procedures=None, dossiers=rows)
    monkeypatch.setenv("CCHC_IMPORT_WORKERS", str(workers))
    monkeypatch.setattr(pgload, "BLOCK_BYTES", 3000)  # ~2 dossiers a block: many blocks
    return import_dossiers(tmp_path / "dossiers.jsonl", skip_invalid=True)


def snapshot() -> tuple[list[tuple], list[tuple]]:
    dossiers = list(
        Dossier.objects.order_by("code").values_list(
            "code",
            "status",
            "received_at",
            "appointment_at",
            "due_at",
            "paused_seconds",
            "supplement_count",
            "returned_at",
            "current_agency_id",
            "fee_amount",
            "paid_online",
            "rating",
            "has_electronic_result",
        )
    )
    events = list(
        DossierEvent.objects.order_by("dossier__code", "seq").values_list(
            "dossier__code",
            "seq",
            "at",
            "from_status",
            "to_status",
            "agency_id",
            "note",
            "data",
            "actor_label",
        )
    )
    return dossiers, events


def test_workers_load_the_same_rows_as_the_main_process(tmp_path, monkeypatch):
    rows = many(24)
    bad = json.dumps(bundles.dossier("B-1", MaDonViTiepNhan="H99.999"))
    rows[5] = bad
    rows[17] = rows[2]  # a duplicate in a later block
    result = load(tmp_path / "w", rows, monkeypatch, workers=2)
    assert result.stats["workers"] == 2
    assert (result.created, result.rejected) == (22, 2)
    reasons = {r.line: r.reason for r in result.rejects}
    assert sorted(reasons) == [6, 18]
    assert "H99.999" in reasons[6]
    assert (
        "000.01.01.H26-260302-0003" in reasons[18] and "3" in reasons[18].split("0003")[1]
    )  # "...line 3"
    assert {r.line: r.raw for r in result.rejects}[18] == json.dumps(
        rows[2], ensure_ascii=False
    ).encode()
    assert sorted(result.changed_ids) == sorted(Dossier.objects.values_list("pk", flat=True))
    parallel = snapshot()
    assert (
        len(parallel[0]) == 22 and len(parallel[1]) == 12 * 7 + 10 * 3
    )  # finished: 7 entries, open: 3

    serial_dir = tmp_path / "s"
    monkeypatch.setenv("CCHC_IMPORT_WORKERS", "0")
    # Same lines, other codes: the serial path must derive exactly the same columns.
    renamed = [
        r.replace("260302", "260303")
        if isinstance(r, str)
        else {**r, "MaHoSo": r["MaHoSo"].replace("260302", "260303")}
        for r in rows
    ]
    bundles.write(serial_dir, agencies=None, procedures=None, dossiers=renamed)
    serial = import_dossiers(serial_dir / "dossiers.jsonl", skip_invalid=True)
    assert serial.stats["workers"] == 0 and (serial.created, serial.rejected) == (22, 2)
    dossiers, events = snapshot()
    by_code = {row[0]: row[1:] for row in dossiers}
    for row in parallel[0]:
        assert by_code[row[0].replace("260302", "260303")] == row[1:]
    tail = [e for e in events if "260303" in e[0]]
    assert [e[1:] for e in tail] == [e[1:] for e in parallel[1]]


def test_second_run_with_workers_changes_nothing(tmp_path, monkeypatch):
    rows = many(10)
    first = load(tmp_path, rows, monkeypatch, workers=2)
    assert first.created == 10
    again = import_dossiers(tmp_path / "dossiers.jsonl", skip_invalid=False)
    assert (again.created, again.updated, again.unchanged, again.rejected) == (0, 0, 10, 0)
    assert DossierEvent.objects.count() == 5 * 7 + 5 * 3


def test_foreign_keys_stay_checked_when_the_table_has_its_own_insert_trigger(tmp_path, monkeypatch):
    with connection.cursor() as cur:
        cur.execute(
            "CREATE FUNCTION test_noop() RETURNS trigger AS $$ BEGIN RETURN NEW; END $$ LANGUAGE plpgsql"
        )
        cur.execute(
            "CREATE TRIGGER test_noop BEFORE INSERT ON dossiers_dossier FOR EACH ROW EXECUTE FUNCTION test_noop()"
        )
    result = load(tmp_path, many(4), monkeypatch, workers=0)
    assert result.created == 4
    assert result.stats["ri_triggers"] is True


def test_rows_with_a_nul_character_are_refused_not_the_copy(tmp_path, monkeypatch):
    row = bundles.dossier()
    row["LichSu"][2]["GhiChu"] = "a\u0000b"
    tabbed = bundles.dossier("000.01.01.H26-260302-0009")
    tabbed["LichSu"][2]["GhiChu"] = "tab\there\\ and\nnewline"
    result = load(tmp_path, [row, tabbed], monkeypatch, workers=0)
    assert (result.created, result.rejected) == (1, 1)
    assert "NUL" in result.rejects[0].reason
    assert (
        DossierEvent.objects.get(dossier__code="000.01.01.H26-260302-0009", seq=3).note
        == "tab\there\\ and\nnewline"
    )


def test_a_stored_code_missed_by_the_sampled_lookup_restarts_the_file_checking_all(
    tmp_path, monkeypatch
):
    rows = many(10)
    load(tmp_path / "one", [rows[4]], monkeypatch, workers=0)  # stored before; not in the sample
    bundles.write(tmp_path / "all", agencies=None, procedures=None, dossiers=rows)
    monkeypatch.setattr(
        pgload, "BLOCK_BYTES", 1 << 20
    )  # one block: the sample is its first and last line
    result = import_dossiers(tmp_path / "all" / "dossiers.jsonl", skip_invalid=False)
    assert (result.created, result.updated, result.unchanged, result.rejected) == (9, 0, 1, 0)
    assert result.stats["restarts"] == 1
    assert Dossier.objects.count() == 10
    assert sorted(result.changed_ids) == sorted(
        Dossier.objects.exclude(code=rows[4]["MaHoSo"]).values_list("pk", flat=True)
    )


def test_loaded_dossiers_carry_the_search_text_their_model_computes(tmp_path, monkeypatch):
    """The loader writes each dossier's search text in SQL: the value DossierSearch.text_of
    gives on every other insert path (the work-queue search reads it)."""
    load(tmp_path / "w", many(6), monkeypatch, workers=2)
    dossiers = Dossier.objects.select_related("search")
    assert dossiers.count() == 6
    for d in dossiers:
        assert d.search.text == DossierSearch.text_of(d.code, d.applicant_name), d.code
