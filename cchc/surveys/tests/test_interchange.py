"""survey_responses.jsonl through import_bundle (interchange.md §5) and the exports."""

import io
import json

from django.core.management import call_command

from cchc.surveys import interchange
from cchc.surveys.models import Item, Method, Response, ResponseEvent


def row(code="KS-2026-000001", unit="H26.01", **kw):
    out = {
        "MaPhieu": code,
        "PhuongPhap": "sipas-2023",
        "Ky": "2026",
        "MaDonVi": unit,
        "HinhThuc": "paper_post",
        "NgayThu": "2026-10-02T09:00:00+07:00",
        "TraLoi": {"P1.1": 5, "P1.2": 4, "A1": 9, "B2": None},
    }
    out.update(kw)
    return out


def write(tmp_path, rows):
    path = tmp_path / "survey_responses.jsonl"
    path.write_text(
        "".join(
            (r if isinstance(r, str) else json.dumps(r, ensure_ascii=False)) + "\n" for r in rows
        ),
        encoding="utf-8",
    )
    return tmp_path


def bundle(directory, *extra):
    out = io.StringIO()
    try:
        call_command("import_bundle", str(directory), *extra, stdout=out, stderr=out)
    except SystemExit:
        pass
    except Exception as exc:  # noqa: BLE001 - the command's refusal is part of the output
        out.write(str(exc))
    return out.getvalue()


def full(value):
    method = Method.objects.get(code="sipas-2023")
    return {i.code: value for i in method.items.filter(kind="satisfaction")}


def test_import_is_idempotent_and_keeps_answers_as_given(cast, tmp_path):
    d = write(tmp_path, [row(), row("KS-2026-000002", TraLoi=full(4))])
    assert "survey_responses.jsonl: 2 created, 0 updated, 0 unchanged, 0 rejected" in bundle(d)
    r = Response.objects.get(code="KS-2026-000001")
    assert r.answers == {"P1.1": 5, "P1.2": 4, "A1": 9, "B2": None}
    assert not r.valid and r.valid_items == 2 and r.mode == "paper_post"
    assert Response.objects.get(code="KS-2026-000002").valid
    assert "0 created, 0 updated, 2 unchanged, 0 rejected" in bundle(d)
    write(tmp_path, [row(TraLoi=full(5)), row("KS-2026-000002", TraLoi=full(4))])
    assert "0 created, 1 updated, 1 unchanged, 0 rejected" in bundle(d)
    assert ResponseEvent.objects.filter(response__code="KS-2026-000001").count() == 2


def test_bad_rows_are_rejected_with_line_and_reason_and_nothing_commits(cast, tmp_path):
    d = write(
        tmp_path,
        [
            row("KS-1"),
            row("KS-2", MaDonVi="H99.999"),
            row("KS-3", PhuongPhap="sipas-1999"),
            row("KS-4", TraLoi={"ZZ": 1}),
            row("KS-5", NgayThu="2026-10-02"),
            "{not json",
            row("KS-1"),
            row("KS-6", HinhThuc="pigeon"),
        ],
    )
    out = bundle(d)
    assert "survey_responses.jsonl: 0 created, 0 updated, 0 unchanged, 7 rejected" in out
    assert Response.objects.count() == 0
    out = bundle(d, "--skip-invalid")
    assert "1 created, 0 updated, 0 unchanged, 7 rejected" in out
    raw = (tmp_path / "rejects" / "survey_responses.jsonl.reasons.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel reads it as UTF-8
    reasons = raw.decode("utf-8-sig")
    assert reasons.splitlines()[0] == "line,reason"
    assert "2," in reasons and "H99.999" in reasons and "ZZ" in reasons and "7," in reasons


def test_imported_responses_count_in_the_index(cast, tmp_path):
    d = write(tmp_path, [row(f"KS-{i}", TraLoi=full(5 if i < 3 else 1)) for i in range(4)])
    bundle(d)
    out = io.StringIO()
    call_command(
        "compute_indices", "--scheme", "sipas", "--period", "2026", "--province", "01", stdout=out
    )
    (unit,) = json.loads(out.getvalue())["agencies"]
    assert unit["total"] == 75.0 and unit["n_valid"] == 4


def test_export_round_trip_and_spss(cast, tmp_path):
    d = write(tmp_path, [row("KS-1", TraLoi=full(5) | {"Q2": [1, 6], "R.age": 40})])
    bundle(d)
    out = tmp_path / "out.jsonl"
    call_command(
        "export_survey_responses", "--period", "2026", "--output", str(out), stdout=io.StringIO()
    )
    exported = json.loads(out.read_text(encoding="utf-8").splitlines()[0])
    assert exported == row("KS-1", TraLoi=full(5) | {"Q2": [1, 6], "R.age": 40})
    sav = tmp_path / "out.sav"
    call_command(
        "export_survey_responses", "--format", "sav", "--output", str(sav), stdout=io.StringIO()
    )
    import pyreadstat

    frame, meta = pyreadstat.read_sav(str(sav))
    assert frame["B2"][0] == 5 and frame["Q2"][0] == "1;6" and frame["R_age"][0] == 40
    assert meta.column_names_to_labels["B2"] == "Công chức yêu cầu nộp hồ sơ đúng quy định"
    assert meta.variable_value_labels["B2"][5] == "Rất hài lòng"
    assert meta.variable_value_labels["B2"][9] == "Không biết"
    assert "name" not in " ".join(meta.column_names).lower()


def test_spss_declares_dont_know_and_no_answer_missing(cast, tmp_path):
    """9 "don't know" and 0 are labelled and declared user-missing on every scale item
    (domain.md §6 rule 1), so SPSS leaves them out of means and frequencies' valid
    percentages: read back, the declaration is there and the mean counts only 1-5."""
    answers = [full(5) | {"A1": 9, "B2": 0}, full(4) | {"A1": 9}, full(3)]
    d = write(tmp_path, [row(f"KS-{i}", TraLoi=a) for i, a in enumerate(answers)])
    bundle(d)
    sav = tmp_path / "out.sav"
    call_command(
        "export_survey_responses", "--format", "sav", "--output", str(sav), stdout=io.StringIO()
    )
    import pyreadstat

    frame, meta = pyreadstat.read_sav(str(sav), user_missing=True)
    scale = [i.code for i in Method.objects.get(code="sipas-2023").items.filter(type="scale")]
    assert len(scale) >= 39  # the satisfaction items at least
    for code in scale:
        name = interchange.variable_name(code)
        # SPSS's discrete missing values, as ReadStat reports them: 0 and 9
        assert meta.missing_ranges[name] == [{"lo": 0, "hi": 0}, {"lo": 9, "hi": 9}], name
        assert meta.variable_value_labels[name][9] == "Không biết"
        assert meta.variable_value_labels[name][0] == "Không trả lời"
    # the values are kept as answered, marked missing rather than blanked
    assert sorted(frame["A1"].dropna()) == [3, 9, 9] and sorted(frame["B2"]) == [0, 3, 4]
    # read the way SPSS computes (user-missing values left out): A1's mean is 3, not 7
    plain, _meta = pyreadstat.read_sav(str(sav))
    assert plain["A1"].mean() == 3 and plain["A1"].count() == 1
    assert plain["B2"].mean() == 3.5 and plain["P1_1"].mean() == 4
    # not on items that are no scale (the validity flag, numbers)
    assert "HopLe" not in meta.missing_ranges


def test_spss_export_with_500_variables(cast, tmp_path):
    method = Method.objects.get(code="sipas-2023")
    items = [
        Item(
            method=method,
            code=f"X{n}",
            kind="other",
            type="scale",
            text=f"Câu hỏi số {n} — đánh giá",
            options=[[1, "Rất không hài lòng"], [5, "Rất hài lòng"]],
        )
        for n in range(500)
    ]
    responses = [
        Response(
            code=f"R{k}",
            method=method,
            period="2026",
            agency=cast.agency_a,
            mode="online",
            collected_at=__import__("django.utils.timezone", fromlist=["now"]).now(),
            answers={f"X{n}": (n + k) % 5 + 1 for n in range(500)},
        )
        for k in range(3)
    ]
    path = tmp_path / "wide.sav"
    assert interchange.export_sav(responses, items, path) == 3
    import pyreadstat

    frame, meta = pyreadstat.read_sav(str(path))
    assert frame.shape == (3, 506)
    assert frame["X499"][2] == (499 + 2) % 5 + 1
    assert meta.column_names_to_labels["X499"] == "Câu hỏi số 499 — đánh giá"


def test_mode_of_collection_is_labelled_in_spss_and_readable_in_csv(cast, tmp_path):
    """QA walk B: HinhThuc held the raw codes (interview, phone, paper_desk, kiosk) with no
    value label. In the .sav it is a number labelled in Vietnamese (docs/surveys.md); in the
    CSV the mode's Vietnamese name; the JSONL bundle keeps the code it imports."""
    modes = ["interview", "phone", "paper_desk", "kiosk", "paper_post", "online"]
    d = write(tmp_path, [row(f"KS-{i}", HinhThuc=m, TraLoi=full(4)) for i, m in enumerate(modes)])
    bundle(d)
    sav = tmp_path / "out.sav"
    call_command(
        "export_survey_responses", "--format", "sav", "--output", str(sav), stdout=io.StringIO()
    )
    import pyreadstat

    frame, meta = pyreadstat.read_sav(str(sav))
    assert meta.column_names_to_labels["HinhThuc"] == "Hình thức thu phiếu"
    assert meta.readstat_variable_types["HinhThuc"] == "double"
    assert list(frame["HinhThuc"]) == [7, 6, 3, 5, 1, 4]  # by MaPhieu: KS-0 … KS-5
    labels = meta.variable_value_labels["HinhThuc"]
    assert labels == {
        1: "Phiếu giấy qua bưu điện",
        2: "Phiếu giấy phát tận hộ",
        3: "Phiếu giấy tại bộ phận một cửa",
        4: "Trực tuyến",
        5: "Ki-ốt",
        6: "Phỏng vấn qua điện thoại",
        7: "Phỏng vấn trực tiếp",
    }
    assert set(labels) == set(interchange.MODE_NUMBERS.values())
    labelled, _meta = pyreadstat.read_sav(str(sav), apply_value_formats=True)
    assert labelled["HinhThuc"][1] == "Phỏng vấn qua điện thoại"

    out = tmp_path / "out.csv"
    call_command(
        "export_survey_responses", "--format", "csv", "--output", str(out), stdout=io.StringIO()
    )
    import csv

    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [r["HinhThuc"] for r in rows][:2] == ["Phỏng vấn trực tiếp", "Phỏng vấn qua điện thoại"]
    jsonl = tmp_path / "out.jsonl"
    call_command("export_survey_responses", "--output", str(jsonl), stdout=io.StringIO())
    assert json.loads(jsonl.read_text(encoding="utf-8").splitlines()[0])["HinhThuc"] == "interview"
