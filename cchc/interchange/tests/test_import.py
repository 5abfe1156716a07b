"""import_bundle: idempotency, all-or-nothing per file, --skip-invalid, row validation."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command

from cchc.agencies.models import Agency, RankingGroup
from cchc.catalogue.models import CatalogueChange, Procedure
from cchc.core.actors import IMPORT
from cchc.core.chains import verify
from cchc.dossiers.models import Dossier, DossierEvent
from cchc.dossiers.signals import dossiers_bulk_changed
from cchc.interchange.models import ImportRun
from cchc.interchange.tests import bundles
from cchc.interchange.tests.bundles import run_import

pytestmark = pytest.mark.django_db


def test_first_run_creates_and_second_run_changes_nothing(tmp_path):
    d = bundles.write(tmp_path, dossiers=[bundles.dossier(), bundles.open_dossier()])
    ok, lines, err = run_import(d)
    assert ok, err
    assert lines == [
        "agencies.csv: 3 created, 0 updated, 0 unchanged, 0 rejected",
        "procedures.csv: 2 created, 0 updated, 0 unchanged, 0 rejected",
        "dossiers.jsonl: 2 created, 0 updated, 0 unchanged, 0 rejected",
    ]
    events = DossierEvent.objects.count()
    ok, lines, _err = run_import(d)
    assert ok
    assert lines == [
        "agencies.csv: 0 created, 0 updated, 3 unchanged, 0 rejected",
        "procedures.csv: 0 created, 0 updated, 2 unchanged, 0 rejected",
        "dossiers.jsonl: 0 created, 0 updated, 2 unchanged, 0 rejected",
    ]
    assert DossierEvent.objects.count() == events == 10
    assert ImportRun.objects.filter(file_name="dossiers.jsonl").count() == 2


def test_reference_rows_are_linked(tmp_path):
    run_import(bundles.write(tmp_path))
    old = Agency.objects.get(code="H26.800")
    assert sorted(old.successors.values_list("code", flat=True)) == [
        "H26.900",
        "H26.901",
    ]  # defined later in the file
    assert old.group == RankingGroup.objects.get(name="Quận huyện (cũ)")
    proc = Procedure.objects.get(code="2.000635")
    assert proc.status == Procedure.Status.PUBLISHED
    assert proc.field.name == "Hộ tịch"
    assert sorted(proc.agencies.values_list("code", flat=True)) == ["H26.900", "H26.901"]
    assert Procedure.objects.search("ban sao trich luc").filter(pk=proc.pk).exists()


def test_imported_dossier_state_comes_from_the_history(tmp_path):
    run_import(bundles.write(tmp_path, dossiers=[bundles.dossier(), bundles.open_dossier()]))
    d = Dossier.objects.get(code="000.01.01.H26-260302-0001")
    assert d.status == 10 and d.supplement_count == 1
    assert d.paused_seconds == 8 * 3600  # 11:00 Mon → 11:00 Tue: one working day
    assert d.due_at.isoformat() == "2026-03-04T02:00:00+00:00"  # 09:00 Wed local
    assert d.rating == 5 and d.paid_online == 1 and d.fee_amount == 8000 and d.has_electronic_result
    assert d.applicant_name == "(nhập từ hệ thống cũ)"
    assert list(d.events.values_list("action", "from_status", "to_status")) == [
        ("import", None, 1),
        ("import", 1, 2),
        ("import", 2, 4),
        ("import", 4, 5),
        ("import", 5, 4),
        ("import", 4, 9),
        ("import", 9, 10),
    ]
    assert d.events.get(seq=4).note == "bổ sung tờ khai"


def test_changed_rows_update_by_code(tmp_path):
    run_import(bundles.write(tmp_path, dossiers=[bundles.open_dossier()]))
    d = bundles.write(
        tmp_path,
        agencies=bundles.AGENCIES.replace("UBND phường Ngọc Hà", "UBND phường Ngọc Hà mới"),
        dossiers=[bundles.dossier("000.01.01.H26-260302-0002")],
    )  # the open dossier, now finished
    ok, lines, _err = run_import(d)
    assert ok
    assert lines[0] == "agencies.csv: 0 created, 1 updated, 2 unchanged, 0 rejected"
    assert lines[2] == "dossiers.jsonl: 0 created, 1 updated, 0 unchanged, 0 rejected"
    dossier = Dossier.objects.get(code="000.01.01.H26-260302-0002")
    assert dossier.status == 10 and dossier.returned_at is not None and dossier.version == 1
    assert list(dossier.events.values_list("seq", flat=True)) == [
        1,
        2,
        3,
        4,
        5,
        6,
        7,
    ]  # tail appended


def test_history_changed_in_the_past_is_refused(tmp_path):
    run_import(bundles.write(tmp_path, dossiers=[bundles.dossier()]))
    changed = bundles.dossier()
    changed["LichSu"][2]["ThoiDiem"] = "2026-03-02T10:30:00+07:00"
    ok, lines, err = run_import(bundles.write(tmp_path, dossiers=[changed]))
    assert not ok
    assert lines[2] == "dossiers.jsonl: 0 created, 0 updated, 0 unchanged, 1 rejected"
    assert "dossiers.jsonl:1:" in err and "3" in err


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ('{"MaHoSo": "X", ', "JSON"),
        (json.dumps(bundles.dossier("B-1", MaDonViTiepNhan="H99.999")), "H99.999"),
        (json.dumps(bundles.dossier("B-2", NgayTiepNhan="2026-03-02 09:00")), "NgayTiepNhan"),
        (
            json.dumps(
                bundles.dossier(
                    "B-3",
                    LichSu=[
                        {"TrangThai": 2, "ThoiDiem": "2026-03-02T09:00:00+07:00"},
                        {"TrangThai": 10, "ThoiDiem": "2026-03-02T10:00:00+07:00"},
                    ],
                )
            ),
            "2 → 10",
        ),
        (json.dumps(bundles.dossier("B-4", MaTTHC="9.999999")), "9.999999"),
        (json.dumps(bundles.dossier("B-5", TrangThaiHoSo=9)), "TrangThaiHoSo"),
        (json.dumps(bundles.dossier("B-6", TrangThaiHoSo=11)), "TrangThaiHoSo"),
        # an electronic result claimed for a dossier whose history has no result (issue 16)
        (json.dumps({**bundles.open_dossier("B-7"), "CoKetQuaDienTu": 1}), "CoKetQuaDienTu"),
        (
            json.dumps(
                bundles.dossier(
                    "B-8",
                    LichSu=[
                        {"TrangThai": 2, "ThoiDiem": "2026-03-02T09:00:00+07:00", "HanhDong": 7},
                        *bundles.dossier()["LichSu"][2:],
                    ],
                )
            ),
            "HanhDong",
        ),
    ],
)
def test_a_bad_row_refuses_the_whole_file(tmp_path, line, expected):
    d = bundles.write(tmp_path, dossiers=[bundles.dossier(), line, bundles.open_dossier()])
    ok, lines, err = run_import(d)
    assert not ok
    assert lines[2] == "dossiers.jsonl: 0 created, 0 updated, 0 unchanged, 1 rejected"
    assert "dossiers.jsonl:2: " in err and expected in err
    assert not Dossier.objects.exists() and not DossierEvent.objects.exists()
    assert Agency.objects.filter(code="H26.900").exists()  # the other files were committed


def test_skip_invalid_commits_the_rest_and_writes_rejects(tmp_path):
    bad = json.dumps(bundles.dossier("B-1", MaDonViTiepNhan="H99.999"), ensure_ascii=False)
    agencies = bundles.AGENCIES + "H26.902,Phường X,COMMUNE,,,99,2025-07-01,,\n"
    d = bundles.write(
        tmp_path,
        agencies=agencies,
        dossiers=[bundles.dossier(), "not json", bad, bundles.open_dossier()],
    )
    ok, lines, err = run_import(d, "--skip-invalid")
    assert ok
    assert lines[0] == "agencies.csv: 3 created, 0 updated, 0 unchanged, 1 rejected"
    assert lines[2] == "dossiers.jsonl: 2 created, 0 updated, 0 unchanged, 2 rejected"
    assert Dossier.objects.count() == 2
    rejects = tmp_path / "rejects"
    assert (rejects / "dossiers.jsonl").read_text(encoding="utf-8") == "not json\n" + bad + "\n"
    raw = (rejects / "dossiers.jsonl.reasons.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # a byte order mark: Excel reads it as UTF-8
    reasons = raw.decode("utf-8-sig").splitlines()
    assert (
        reasons[0] == "line,reason" and reasons[1].startswith("2,") and reasons[2].startswith("3,")
    )
    assert (rejects / "agencies.csv").read_text(encoding="utf-8").splitlines() == [
        bundles.AGENCIES.splitlines()[0],
        "H26.902,Phường X,COMMUNE,,,99,2025-07-01,,",
    ]
    assert "agencies.csv:5:" in err


def test_unknown_successor_and_duplicate_code_are_reported(tmp_path):
    agencies = (
        bundles.AGENCIES
        + "H26.903,Phường Y,COMMUNE,,,01,2025-07-01,,H26.404\nH26.900,Trùng,COMMUNE,,,01,,,\n"
    )
    ok, lines, err = run_import(bundles.write(tmp_path, agencies=agencies, procedures=None))
    assert not ok
    assert lines == ["agencies.csv: 0 created, 0 updated, 0 unchanged, 2 rejected"]
    assert "agencies.csv:5:" in err and "H26.404" in err and "agencies.csv:6:" in err
    assert not Agency.objects.filter(code="H26.900").exists()


def test_duplicate_dossier_in_file_is_rejected(tmp_path):
    ok, lines, err = run_import(
        bundles.write(tmp_path, dossiers=[bundles.dossier(), bundles.dossier()])
    )
    assert not ok and "dossiers.jsonl:2:" in err


def test_bulk_signal_after_commit(tmp_path, django_capture_on_commit_callbacks):
    received = []

    def listener(sender, dossier_ids, **kwargs):
        received.append(sorted(dossier_ids))

    dossiers_bulk_changed.connect(listener)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            run_import(
                bundles.write(tmp_path, dossiers=[bundles.dossier(), bundles.open_dossier()])
            )
    finally:
        dossiers_bulk_changed.disconnect(listener)
    assert received == [sorted(Dossier.objects.values_list("pk", flat=True))]


def test_imported_histories_and_appended_tails_carry_verifying_hash_chains(tmp_path):
    """New dossiers (PostgreSQL: the COPY loader; SQLite: bulk_create) and a history tail
    appended by a re-import are chained as the append function chains them."""
    from cchc.core import chains

    run_import(bundles.write(tmp_path, dossiers=[bundles.dossier(), bundles.open_dossier()]))
    ok, _lines, err = run_import(
        bundles.write(tmp_path, dossiers=[bundles.dossier("000.01.01.H26-260302-0002")])
    )
    assert ok, err
    tail = DossierEvent.objects.get(dossier__code="000.01.01.H26-260302-0002", seq=7)
    before = DossierEvent.objects.get(dossier__code="000.01.01.H26-260302-0002", seq=6)
    assert len(tail.hash) == 64 and tail.hash != before.hash
    assert [b for b in chains.verify(DossierEvent)] == [DossierEvent.objects.count()]
    out = io.StringIO()
    call_command("verify_event_chains", "dossiers.DossierEvent", stdout=out)
    assert "every event chain verifies" in out.getvalue()


def test_imported_procedures_leave_the_catalogue_audit_rows_of_the_import_actor(tmp_path):
    run_import(bundles.write(tmp_path))
    created = CatalogueChange.objects.get(procedure_code="1.004227")
    assert (created.action, created.actor, created.actor_label) == ("create", None, IMPORT.label)
    assert created.data["processing_time"] == "5" and created.data["field"] == "Hộ tịch"
    assert created.data["agencies"] == ["H26.900"]
    # an unchanged file writes nothing; a changed row says what changed, old and new
    run_import(bundles.write(tmp_path))
    assert CatalogueChange.objects.count() == 2
    changed = bundles.PROCEDURES.replace(
        "1.004227,Đăng ký kết hôn,Hộ tịch,5,working_day,partial,0,1,H26.900,,",
        "1.004227,Đăng ký kết hôn,Hộ tịch,3,working_day,partial,0,1,H26.900;H26.901,,",
    )
    ok, _lines, err = run_import(bundles.write(tmp_path, procedures=changed))
    assert ok, err
    update = CatalogueChange.objects.get(procedure_code="1.004227", action="update")
    assert update.data == {"processing_time": ["5", "3"], "agencies": ["H26.900", "H26.901"]}
    assert update.actor_label == IMPORT.label
    # written in bulk, numbered after the procedure's creation and chained onto it
    assert (created.seq, update.seq) == (1, 2)
    assert [r for r in verify(CatalogueChange) if not isinstance(r, int)] == []
