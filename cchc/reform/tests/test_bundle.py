"""interchange.md §6: the PAR files of the bundle and `compute_indices --scheme par`."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from cchc.core.actors import IMPORT
from cchc.reform.models import (
    Assessment,
    ReformEvent,
    Score,
    Template,
    TemplateEvent,
    TemplateStatus,
)
from cchc.reform.tests.fixtures import NODES, SCORES, TEMPLATES, write_bundle


def run(directory, *extra):  # type: ignore[no-untyped-def]
    out, err = StringIO(), StringIO()
    call_command("import_bundle", str(directory), *extra, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def compute(period="2026"):  # type: ignore[no-untyped-def]
    out = StringIO()
    call_command(
        "compute_indices", "--scheme", "par", "--period", period, "--format", "json", stdout=out
    )
    return json.loads(out.getvalue())


@pytest.mark.django_db
def test_import_and_compute_match_the_hand_computed_example(cast, tmp_path):
    out, err = run(write_bundle(tmp_path / "b"))
    assert "par_templates.csv: 1 created, 0 updated, 0 unchanged, 0 rejected" in out
    assert "par_nodes.csv: 15 created, 0 updated, 0 unchanged, 0 rejected" in out
    assert "par_scores.csv: 11 created, 0 updated, 0 unchanged, 0 rejected" in out
    t = Template.objects.get(code="SBN-2026")
    assert t.status == TemplateStatus.PUBLISHED and t.survey_optional
    # the template's log says it came from the bundle, as the import actor
    log = list(TemplateEvent.objects.filter(template=t).order_by("seq"))
    assert [(e.action, e.actor_label) for e in log] == [("create", IMPORT.label)] + [
        ("publish", IMPORT.label)
    ]
    assert log[1].note == "par_nodes.csv" and log[1].data["created"] == 15
    doc = compute()
    assert doc["scheme"] == "par" and doc["period"] == "2026" and doc["frozen"] is False
    rows = {r["code"]: r for r in doc["agencies"]}
    a, b = rows["H26.01"], rows["H26.02"]
    assert a["points"] == pytest.approx(88) and a["max"] == 100 and a["total"] == pytest.approx(88)
    assert b["points"] == pytest.approx(60) and b["max"] == 70
    assert b["total"] == pytest.approx(600 / 7)
    assert (a["rank"], b["rank"]) == (1, 2)
    assert a["rank_change"] is None
    assert a["groups"]["1"] == {
        "score": 28.0,
        "max": 30.0,
        "criteria": {"1.1": {"score": 28.0, "max": 30.0}},
    }
    assert a["groups"]["9"]["score"] == pytest.approx(1.0)
    assert a["weakest"] == ["2.1", "1.1"]
    assert b["weakest"] == ["1.1", "2.1"]  # 25/30 < 35/40


@pytest.mark.django_db
def test_second_run_changes_nothing_and_a_changed_score_updates(cast, tmp_path):
    d = write_bundle(tmp_path / "b")
    run(d)
    out, _ = run(d)
    assert "par_templates.csv: 0 created, 0 updated, 1 unchanged, 0 rejected" in out
    assert "par_nodes.csv: 0 created, 0 updated, 15 unchanged, 0 rejected" in out
    assert "par_scores.csv: 0 created, 0 updated, 11 unchanged, 0 rejected" in out
    assert TemplateEvent.objects.count() == 2  # an unchanged bundle changes no template
    write_bundle(
        d, scores=SCORES.replace("SBN-2026,H26.02,1.1.2,15,15,", "SBN-2026,H26.02,1.1.2,15,5,")
    )
    out, _ = run(d)
    assert "par_scores.csv: 0 created, 1 updated, 10 unchanged, 0 rejected" in out
    assert (
        Score.objects.get(assessment__agency__code="H26.02", node__code="1.1.2").appraised_score
        == 5
    )
    assert ReformEvent.objects.filter(action="import").count() == 3


@pytest.mark.django_db
def test_a_template_units_were_assessed_under_is_not_changed_by_a_bundle(cast, tmp_path):
    d = write_bundle(tmp_path / "b")  # with the units' scores
    run(d)
    write_bundle(d, nodes=NODES.replace("Ban hành kế hoạch đúng hạn", "Đổi tên"), scores=None)
    with pytest.raises(CommandError):
        _, err = run(d)
    assert Template.objects.get().nodes.get(code="1.1.1").name == "Ban hành kế hoạch đúng hạn"
    write_bundle(d, templates=TEMPLATES.replace("Bộ chỉ số", "Bộ chỉ số (sửa)"), nodes=NODES)
    with pytest.raises(CommandError):
        run(d)


@pytest.mark.django_db
def test_a_published_template_nobody_was_assessed_under_is_corrected_by_the_next_bundle(
    cast, tmp_path
):
    """A bundle whose scores were refused left its template published with nothing counted on
    it; the corrected bundle could never fix the tree (interchange.md §1: a changed row
    updates the record)."""
    d = write_bundle(tmp_path / "b", scores="template,agency_code,node_code\nbad\n")
    with pytest.raises(CommandError):
        run(d)  # the scores file is refused; the template and its tree are in
    t = Template.objects.get()
    assert t.status == TemplateStatus.PUBLISHED and not t.assessments.exists()
    write_bundle(d, nodes=NODES.replace("Ban hành kế hoạch đúng hạn", "Đổi tên"))
    out, _err = run(d)
    t = Template.objects.get()
    assert t.status == TemplateStatus.PUBLISHED
    assert t.nodes.get(code="1.1.1").name == "Đổi tên" and t.assessments.exists()


@pytest.mark.django_db
def test_children_that_do_not_add_up_refuse_the_template(cast, tmp_path):
    d = write_bundle(
        tmp_path / "b",
        nodes=NODES.replace(
            "SBN-2026,1.1.2,1.1,subcriterion,Mức độ hoàn thành kế hoạch,20,self",
            "SBN-2026,1.1.2,1.1,subcriterion,Mức độ hoàn thành kế hoạch,19,self",
        ),
        scores=None,
    )
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_bundle", str(d), stdout=StringIO(), stderr=err)
    assert "cộng lại" in err.getvalue() or "add up" in err.getvalue()
    t = Template.objects.get()
    assert t.status == TemplateStatus.DRAFT and not t.nodes.exists()


@pytest.mark.django_db
def test_bad_score_rows_refuse_the_whole_file(cast, tmp_path):
    bad = SCORES + (
        "SBN-2026,H26.100,1.1.1,11,,\n"  # above the maximum of 10
        "SBN-2026,H26.100,3.1.1,5,,\n"  # self score on a survey node
        "SBN-2026,H26.100,1.1,5,,\n"  # not a leaf
        "SBN-2026,H26.100,1.1.2,-1,,\n"  # negative
        "SBN-2026,XX.1,1.1.2,1,,\n"  # unknown unit
    )
    d = write_bundle(tmp_path / "b", scores=bad)
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_bundle", str(d), stdout=StringIO(), stderr=err)
    lines = err.getvalue()
    for n in (13, 14, 15, 16, 17):
        assert f"par_scores.csv:{n}:" in lines
    assert not Assessment.objects.exists()
    out, _ = run(d, "--skip-invalid")
    assert "par_scores.csv: 11 created, 0 updated, 0 unchanged, 5 rejected" in out
    assert (d / "rejects" / "par_scores.csv").read_text().count("\n") == 6


@pytest.mark.django_db
def test_publish_command_freezes_and_restates(cast, tmp_path):
    run(write_bundle(tmp_path / "b"))
    out = StringIO()
    # H26.100 (the cast's commune) has not taken part: publishing says so and waits for a yes
    with pytest.raises(CommandError, match="1 đơn vị chưa bắt đầu|1 have not started"):
        call_command("publish_par", "--year", "2026", "--province", "01", stdout=out)
    assert not compute()["frozen"]
    call_command(
        "publish_par", "--year", "2026", "--province", "01", "--confirm-incomplete", stdout=out
    )
    assert "version 1" in out.getvalue()
    doc = compute()
    assert doc["frozen"] is True and doc["result_version"] == 1
    with pytest.raises(CommandError, match="lý do|reason"):
        call_command(
            "publish_par",
            "--year",
            "2026",
            "--province",
            "01",
            "--confirm-incomplete",
            stdout=StringIO(),
        )
    call_command("publish_par", "--year", "2026", "--province", "01", "--reason", "Sửa", stdout=out)
    assert compute()["result_version"] == 2
    # a bundle cannot change the scores of a published year
    write_bundle(
        tmp_path / "b",
        scores=SCORES.replace("SBN-2026,H26.02,1.1.2,15,15,", "SBN-2026,H26.02,1.1.2,15,5,"),
    )
    with pytest.raises(CommandError):
        run(tmp_path / "b")


@pytest.mark.django_db
def test_export_bundle_carries_the_par_years_and_their_final_scores(cast, tmp_path):
    """An installation moved with export_bundle lost its PAR INDEX years (the export wrote
    no par_*.csv). The exported files are what the loaders read: imported back, every row is
    unchanged, and the computed index is the same."""
    import datetime as dt

    from cchc.interchange.services import export_bundle

    run(write_bundle(tmp_path / "b"))
    before = compute()
    counts = export_bundle(
        tmp_path / "out", date_from=dt.date(2026, 1, 1), date_to=dt.date(2026, 12, 31)
    )
    assert (counts["par_templates.csv"], counts["par_nodes.csv"], counts["par_scores.csv"]) == (
        1,
        15,
        11,
    )
    scores = (tmp_path / "out" / "par_scores.csv").read_text(encoding="utf-8").splitlines()
    assert scores[0] == "template,agency_code,node_code,self_score,appraised_score,survey_score"
    assert "SBN-2026,H26.01,3.1.1,,,24" in scores and "SBN-2026,H26.01,1.1.1,10,8," in scores
    out, err = run(tmp_path / "out")
    assert "par_templates.csv: 0 created, 0 updated, 1 unchanged, 0 rejected" in out, out + err
    assert "par_nodes.csv: 0 created, 0 updated, 15 unchanged, 0 rejected" in out
    assert "par_scores.csv: 0 created, 0 updated, 11 unchanged, 0 rejected" in out
    assert compute() == before
    # another year's range carries none of 2026's
    counts = export_bundle(
        tmp_path / "2025", date_from=dt.date(2025, 1, 1), date_to=dt.date(2025, 12, 31)
    )
    assert counts["par_templates.csv"] == counts["par_scores.csv"] == 0


@pytest.mark.django_db
def test_a_self_assessment_in_progress_is_not_exported_as_final(cast, tmp_path):
    import datetime as dt

    from cchc.interchange.services import export_bundle
    from cchc.reform.models import AssessmentStatus

    run(write_bundle(tmp_path / "b"))
    Assessment.objects.filter(agency__code="H26.02").update(status=AssessmentStatus.DRAFT)
    export_bundle(tmp_path / "out", date_from=dt.date(2026, 1, 1), date_to=dt.date(2026, 12, 31))
    scores = (tmp_path / "out" / "par_scores.csv").read_text(encoding="utf-8")
    assert "H26.01" in scores and "H26.02" not in scores


@pytest.mark.django_db
def test_scores_given_to_two_decimals_add_up_without_float_noise(cast, tmp_path):
    """8.1 + 19.2 is 27.299999999999997 in floats: the document (interchange.md §6) carried
    such noise in its points, groups and totals (110.00000000000001 seen on an import)."""
    scores = SCORES.replace("SBN-2026,H26.01,1.1.1,10,8,", "SBN-2026,H26.01,1.1.1,10,8.1,")
    scores = scores.replace("SBN-2026,H26.01,1.1.2,20,20,", "SBN-2026,H26.01,1.1.2,20,19.2,")
    run(write_bundle(tmp_path / "b", scores=scores))
    a = {r["code"]: r for r in compute()["agencies"]}["H26.01"]
    assert a["groups"]["1"]["score"] == 27.3
    assert a["groups"]["1"]["criteria"]["1.1"]["score"] == 27.3
    assert a["points"] == 87.3 and a["total"] == 87.3
