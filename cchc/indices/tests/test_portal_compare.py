"""Issue 17 point 4: the portal's published figures against ours, each gap explained.

The fixture is a national-portal report in its own format (the dvc-progress-tree layout of
reference/dvcqg-766-phu-tho/) for August 2026, set against the `scenario` dossiers: agency A
has the same 9 dossiers on both sides but the portal counts one fewer on time; the
portal has 2 dossiers of agency B that we do not; agency C matches; one portal unit is
unknown here. A file in another format is refused by the command and by the upload page."""

from __future__ import annotations

from io import StringIO
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

FIXTURE = Path(__file__).parent / "fixtures" / "portal_progress_2026-08.json"
REFERENCE = Path(settings.BASE_DIR).parent / "shared" / "reference" / "dvcqg-766-phu-tho"

pytestmark = pytest.mark.django_db


def test_command_lists_each_gap_with_the_dossiers_behind_it(scenario):
    out = StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command("reconcile_portal", str(FIXTURE), "--period", "2026-08", stdout=out)
    assert exit_.value.code == 1  # gaps found
    text = out.getvalue()
    a_gap = next(line for line in text.splitlines() if line.startswith("GAP H26.100"))
    assert "portal 3/9 ours 4/9" in a_gap
    assert "chúng ta tính mà Cổng không tính" in a_gap
    on_time = scenario.on_time.code
    listed = text.splitlines()[text.splitlines().index(a_gap) + 1]
    assert on_time in listed and "which=numerator" in listed
    assert "/indices/co-quan/H26.100/chi-so/DOSSIER_ON_TIME/?period=2026-08" in listed
    b_gap = next(line for line in text.splitlines() if line.startswith("GAP H26.01 "))
    assert "portal 1/3 ours 1/1" in b_gap and "nhiều hơn 2" in b_gap
    assert "GAP H26.02" not in text
    assert "UNKNOWN UNIT H26.999" in text
    assert "2026-08: 1/3 agency-metric figures match; 2 gaps; 1 portal units not found here" in text


def test_the_command_says_the_summary_first_then_every_code_and_can_write_them_to_a_csv(
    scenario, monkeypatch, tmp_path
):
    """It printed the first ten codes of a gap then '...': a reviewer could not see the rest.
    Here the page's bounds are cut below agency A's 4 counted dossiers: the command still
    writes out all 4, says how many, and puts them in the CSV, one a row."""
    import csv

    from cchc.dossiers.models import Dossier
    from cchc.indices import portal_compare

    monkeypatch.setattr(portal_compare, "LISTED", 2)
    monkeypatch.setattr(portal_compare, "SHOWN", 3)
    out, sheet = StringIO(), tmp_path / "gaps.csv"
    with pytest.raises(SystemExit):
        call_command(
            "reconcile_portal",
            str(FIXTURE),
            "--period",
            "2026-08",
            "--csv",
            str(sheet),
            stdout=out,
        )
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("2026-08: 1/3 agency-metric figures match; 2 gaps")
    assert lines[0].endswith("; 4 records listed behind the gaps")
    a_gap = next(i for i, line in enumerate(lines) if line.startswith("GAP H26.100"))
    counted = [
        code
        for code in Dossier.objects.filter(receiving_agency=scenario.cast.agency_a).values_list(
            "code", flat=True
        )
        if code in lines[a_gap + 1]
    ]
    assert len(counted) == 4 and "4 codes: " in lines[a_gap + 1] and "..." not in out.getvalue()
    with sheet.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    a_rows = [r for r in rows if r["agency_code"] == "H26.100"]
    assert sorted(r["record_code"] for r in a_rows) == sorted(counted)
    assert a_rows[0]["portal_numerator"] == "3" and a_rows[0]["our_numerator"] == "4"
    b_rows = [r for r in rows if r["agency_code"] == "H26.01"]
    assert len(b_rows) == 1 and b_rows[0]["record_code"] == ""  # the portal's, not ours


def test_other_formats_are_refused_by_the_command(tmp_path):
    bad = tmp_path / "report.csv"
    bad.write_text("code,score\nH26.100,18\n", encoding="utf-8")
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("reconcile_portal", str(bad), "--period", "2026-08", stderr=err)
    assert "không đúng định dạng của Cổng Dịch vụ công quốc gia" in err.getvalue()
    with pytest.raises(CommandError, match="2026-Q5"):
        call_command("reconcile_portal", str(FIXTURE), "--period", "2026-Q5")


def compare_on_the_page(c, path=FIXTURE):  # type: ignore[no-untyped-def]
    """The reconciliation page after uploading the portal's file `path` for 2026-08."""
    with path.open("rb") as fh:
        return c.post(
            "/indices/doi-soat/cong/", {"period": "2026-08", "files": fh}
        ).content.decode()


def test_upload_page_compares_and_refuses_other_formats(scenario, tmp_path):
    c = Client()
    c.force_login(scenario.cast.province_admin)
    page = compare_on_the_page(c)
    assert "portal-gaps" in page and scenario.on_time.code in page
    assert (
        "/indices/co-quan/H26.100/chi-so/DOSSIER_ON_TIME/?period=2026-08&amp;which=numerator"
        in page
    )
    assert "H26.999" in page
    with FIXTURE.open("rb") as fh:
        page = c.post(
            "/indices/doi-soat/cong/", {"period": "2026-Q5", "files": fh}
        ).content.decode()
    assert "2026-Q5" in page and 'id="id_period_error"' in page and "portal-gaps" not in page
    bad = tmp_path / "bang.xlsx"
    bad.write_bytes(b"PK\x03\x04 not json")
    page = compare_on_the_page(c, bad)
    assert "không đúng định dạng của Cổng Dịch vụ công quốc gia" in page
    assert "portal-gaps" not in page
    c.force_login(scenario.cast.leader_a)
    assert c.get("/indices/doi-soat/cong/").status_code == 403


@pytest.mark.skipif(not REFERENCE.exists(), reason=f"reference data not found at {REFERENCE}")
def test_the_portals_real_files_are_read_in_both_layouts(cast):
    out = StringIO()
    call_command(
        "reconcile_portal",
        str(REFERENCE / "dvc-progress-tree" / "quarter-all.json"),
        "--period",
        "2026-Q3",
        stdout=out,
    )
    assert "163 portal units not found here" in out.getvalue()  # Phú Thọ's units, not ours
    out = StringIO()
    call_command(
        "reconcile_portal",
        str(REFERENCE / "transparency" / "quarter-all.json"),
        "--period",
        "2026-Q3",
        stdout=out,
    )
    assert "163 portal units not found here" in out.getvalue()


def test_each_gap_says_what_its_list_holds_and_the_list_holds_it(scenario):
    """The portal publishes counts, not records: a gap's list is never 'the N records of the
    gap'. Portal has more → nothing of ours can show them, no list; same records judged
    differently → our counted list, its size stated; we have more → our records not
    synchronised to the portal, their number stated and all of them listed."""
    import json

    from cchc.indices import portal_compare
    from cchc.indices.engine import load_spec
    from cchc.indices.periods import Period

    data = json.loads(FIXTURE.read_text(encoding="utf-8"))["data"]
    result = portal_compare.compare([("progress.json", data)], Period.parse("2026-08"))
    b = next(g for g in result.gaps if g.agency_code == "H26.01")
    assert b.records == [] and b.url == "" and "không có trên hệ thống này" in b.listed
    a = next(g for g in result.gaps if g.agency_code == "H26.100")
    assert len(a.records) == a.listed_count == 4 and "4 hồ sơ" in a.listed
    spec = load_spec("qd766", Period.parse("2026-08").end)
    group, _m = spec.metric("DOSSIER_ON_TIME")
    ours_more = portal_compare._explain(
        spec,
        group,
        "DOSSIER_ON_TIME",
        scenario.cast.agency_a,
        Period.parse("2026-08"),
        (3, 5),
        (4, 9),
    )
    assert "nhiều hơn Cổng 4" in ours_more.explanation
    assert len(ours_more.records) == ours_more.listed_count == 9  # none synchronised here
    assert "9 hồ sơ" in ours_more.listed and "chưa đồng bộ" in ours_more.listed


def test_a_gaps_dossier_codes_open_the_dossier_behind_it(scenario):
    """A reader of a gap checks it on the dossier itself: each listed dossier code the viewer
    may see links to the staff dossier page (it was plain text, to be copied into a search)."""
    from django.urls import reverse

    c = Client()
    c.force_login(scenario.cast.province_admin)
    page = compare_on_the_page(c)
    url = reverse("dossiers:detail", args=[scenario.on_time.code])
    assert f'<a href="{url}">{scenario.on_time.code}</a>' in page
    assert c.get(url).status_code == 200  # the link opens for this reader


def _upload_ours_more(c: Client):
    """The fixture with agency A's denominator cut to 5: we count 4 more than the portal, a
    gap whose list (ours not synchronised) has no evidence page behind it."""
    import json

    from django.core.files.uploadedfile import SimpleUploadedFile

    doc = json.loads(FIXTURE.read_text(encoding="utf-8"))
    row = next(r for r in doc["data"]["children"] if r["departmentCode"] == "H26.100")
    row["totalReceived"] = 5
    upload = SimpleUploadedFile("progress.json", json.dumps(doc).encode(), "application/json")
    return c.post("/indices/doi-soat/cong/", {"period": "2026-08", "files": upload})


def test_a_list_no_page_shows_is_written_out_whole(scenario, monkeypatch):
    """'We count more than the portal': the gap said 'Listed: 9 records' but wrote out the
    first ten codes then '…', and no page showed the rest. The rest are now in a folded block,
    linked as the first are; beyond the bound, their number is said."""
    from cchc.dossiers.models import Dossier
    from cchc.indices import portal_compare

    monkeypatch.setattr(portal_compare, "LISTED", 4)  # agency A has 9 dossiers here
    c = Client()
    c.force_login(scenario.cast.province_admin)
    page = _upload_ours_more(c).content.decode()
    codes = list(
        Dossier.objects.filter(receiving_agency=scenario.cast.agency_a).values_list(
            "code", flat=True
        )
    )
    assert len(codes) == 9 and "9 hồ sơ" in page
    details = page[page.index('<details class="gap-more">') :]
    details = details[: details.index("</details>")]
    assert "5 hồ sơ còn lại" in details
    for code in codes:
        assert f">{code}</a>" in page  # every one written out and linked
    assert sum(f">{code}</a>" in details for code in codes) == 5

    monkeypatch.setattr(portal_compare, "SHOWN", 7)
    page = _upload_ours_more(c).content.decode()
    assert sum(f">{code}</a>" in page for code in codes) == 7
    assert "2 hồ sơ nữa" in page


def test_a_gap_of_a_metric_that_counts_procedures_says_procedures(scenario):
    """'Tỷ lệ TTHC kết nối dữ liệu dân cư … nhiều hơn 347 hồ sơ': the metric counts
    procedures (its denominator, procedures_in_scope, rule data), so the gap is in procedures."""
    from cchc.indices import portal_compare
    from cchc.indices.engine import load_spec
    from cchc.indices.periods import Period

    period = Period.parse("2026-08")
    spec = load_spec("qd766", period.end)
    group, _m = spec.metric("CITIZEN_DATA_CONNECTED_FORMALITY")
    gaps = [
        portal_compare._explain(
            spec,
            group,
            "CITIZEN_DATA_CONNECTED_FORMALITY",
            scenario.cast.agency_a,
            period,
            portal,
            ours,
        )
        for portal, ours in [((0, 347), (0, 0)), ((0, 0), (0, 3)), ((1, 3), (2, 3))]
    ]
    portal_more, ours_more, _same = gaps
    assert "nhiều hơn 347 thủ tục hành chính" in portal_more.explanation
    assert "thủ tục hành chính này" in portal_more.listed
    assert "nhiều hơn Cổng 3 thủ tục hành chính" in ours_more.explanation
    assert not any("hồ sơ" in g.explanation + g.listed for g in gaps)


def test_a_procedure_gaps_folded_list_says_procedures(scenario, rf):
    """The folded rest of a gap's list said "N hồ sơ còn lại" under "Hồ sơ cần kiểm tra" for a
    metric that counts procedures: the column holds codes, the rest says what they are."""
    from django.template.loader import render_to_string

    from cchc.indices import counters
    from cchc.indices.portal_compare import Gap

    gap = Gap("H26.100", "UBND phường", "g", "CITIZEN_DATA_CONNECTED_FORMALITY", (0, 9), (0, 0))
    gap.source, gap.records, gap.more = counters.PROCEDURE, ["1.001"], ["1.002", "1.003"]
    request = rf.get("/")
    request.user = scenario.cast.province_admin
    page = render_to_string(
        "indices/reconcile_portal.html", {"result": SimpleNamespace(gaps=[gap])}, request
    )
    assert "Mã cần kiểm tra" in page and "2 thủ tục hành chính còn lại" in page
    assert "hồ sơ còn lại" not in page
