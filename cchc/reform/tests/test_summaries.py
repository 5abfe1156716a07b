"""Issue 14 (speed): the per-assessment summaries that let a year be computed from one row per
unit. After every kind of score write (self score, prefill from the platform, survey scores,
evidence, submission, appraisal adjustment, the unit's explanation, finalisation, an import of
par_scores.csv, publication and restatement) each summary equals a fresh computation from the
Score rows, and the year read from the summaries equals the year scored from the rows."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from cchc.core.actors import SYSTEM
from cchc.reform import appraisal, assessments, publishing, results, scoring
from cchc.reform.models import (
    Assessment,
    AssessmentStatus,
    AssessmentSummary,
    ResultSet,
    Score,
)
from cchc.reform.tests.fixtures import SCORES, write_bundle
from cchc.reform.tests.helpers import build_template
from cchc.testing import UserFactory

MEASURES = {
    "online_share": "cchc.reform.tests.helpers.fake_online_share",
    "sipas": "cchc.reform.tests.helpers.fake_sipas",
}
FIGURES = ("total", "points", "max", "grade", "groups", "weakest")


def assert_current(a: Assessment) -> None:
    """The assessment's summary is current and holds what its Score rows give."""
    a = Assessment.objects.select_related("template").get(pk=a.pk)
    s = AssessmentSummary.objects.get(assessment=a)
    assert (s.seq, s.pending, s.layout) == (
        a.last_event_seq,
        results.self_scores_count(a),
        scoring.SUMMARY_LAYOUT,
    )
    fresh = results.unit_results([a], fresh=True)[a.pk]
    stored = scoring.unpack(results.tree_of(a.template), s.result)
    assert stored == {k: fresh[k] for k in FIGURES}


def assert_year_reads_summaries(year: int) -> dict:
    """The year from the summaries: no Score row read, the same document as from the rows."""
    results.clear_cache()
    with CaptureQueriesContext(connection) as ctx:
        doc = results.compute_year(year, "01")
    assert not [q for q in ctx.captured_queries if "reform_score" in q["sql"]]
    assert doc == results.compute_year(year, "01", fresh=True)
    return doc


@pytest.mark.django_db
@override_settings(PLATFORM_MEASURES=MEASURES)
def test_every_workflow_write_keeps_the_summary_equal_to_a_fresh_computation(cast):
    t = build_template(survey_optional=True)
    chair, member = UserFactory(username="chair"), UserFactory(username="member")
    appraisal.create_team(
        t, actor=SYSTEM, name="Tổ 1", chair=chair, members=[member], agencies=[cast.agency_b]
    )
    a = assessments.open_assessment(t, cast.agency_b, actor=cast.specialist_b)
    c = assessments.open_assessment(t, cast.agency_c, actor=cast.outsider)
    assessments.set_self_score(a, "1.1.1", actor=cast.specialist_b, score=9)
    assert_current(a)
    assessments.prefill_computed(a, actor=cast.specialist_b)  # 1.1.2 from the platform: 15
    assert_current(a)
    assessments.refresh_survey_scores(t, actor=SYSTEM)  # 2.1.1 from SIPAS 90 %: 18
    assert_current(a)
    assessments.set_self_score(
        c, "1.1.1", actor=cast.outsider, score=4, explanation="Chưa có văn bản"
    )
    assessments.set_self_score(c, "1.1.2", actor=cast.outsider, score=20, explanation="Tự tính")
    assert_current(c)
    c = assessments.submit(c, actor=cast.outsider)  # a draft is not ranked: submitted
    assert_current(c)
    ev = assessments.add_evidence(
        a,
        "1.1.1",
        actor=cast.specialist_b,
        doc_number="12/QĐ-UBND",
        issuer="UBND tỉnh",
        doc_date=dt.date(2026, 3, 1),
        upload=SimpleUploadedFile("qd.pdf", b"%PDF-1.4\n%qd\n", content_type="application/pdf"),
    )
    assert_current(a)
    assessments.remove_evidence(ev, actor=cast.specialist_b)
    assessments.set_self_score(a, "1.1.1", actor=cast.specialist_b, score=9, explanation="Có")
    a = assessments.submit(a, actor=cast.leader_b)
    assert_current(a)
    appraisal.appraise(a, "1.1.1", actor=member, score=6, comment="Kế hoạch ban hành muộn")
    assert_current(a)
    appraisal.request_explanation(a, actor=chair)
    a = appraisal.respond(a, actor=cast.specialist_b, answers={"1.1.1": "Ban hành đúng hướng dẫn"})
    assert_current(a)
    appraisal.appraise(a, "1.1.1", actor=member, score=7, comment="Chấp nhận một phần")
    a = appraisal.finalise(a, actor=chair)  # 1.1.2 accepted as self-scored
    assert_current(a)
    doc = assert_year_reads_summaries(2026)
    b = results.unit_row(doc, "H26.01")
    assert b["points"] == pytest.approx(7 + 15 + 18) and b["status"] == "FINAL"
    assert results.unit_row(doc, "H26.02")["points"] == pytest.approx(24)
    # publication scores from the rows; the frozen document is the one the summaries give
    publishing.publish_results(2026, actor=SYSTEM, confirm_incomplete=True)
    frozen = ResultSet.objects.get(current=True).document
    assert frozen["agencies"] == doc["agencies"]
    second = publishing.restate_results(2026, actor=SYSTEM, reason="Rà soát lại")
    assert second.document["agencies"] == assert_year_reads_summaries(2026)["agencies"]
    assert_current(a)
    assert_current(c)


def _import(directory) -> str:  # type: ignore[no-untyped-def]
    out = StringIO()
    call_command("import_bundle", str(directory), stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.mark.django_db
def test_an_import_of_par_scores_writes_the_summaries(cast, tmp_path):
    d = write_bundle(tmp_path / "b")
    _import(d)
    for a in Assessment.objects.all():
        assert_current(a)
    doc = assert_year_reads_summaries(2026)
    assert results.unit_row(doc, "H26.01")["points"] == pytest.approx(88)
    # a changed score: that unit's summary is rewritten, the other one stays current
    write_bundle(
        d, scores=SCORES.replace("SBN-2026,H26.02,1.1.2,15,15,", "SBN-2026,H26.02,1.1.2,15,5,")
    )
    assert "1 updated" in _import(d)
    for a in Assessment.objects.all():
        assert_current(a)
    doc = assert_year_reads_summaries(2026)
    assert results.unit_row(doc, "H26.02")["points"] == pytest.approx(50)


@pytest.mark.django_db
def test_a_summary_older_than_the_last_event_or_of_another_layout_is_not_used(cast, tmp_path):
    _import(write_bundle(tmp_path / "b"))
    a = Assessment.objects.get(agency__code="H26.01")
    good = AssessmentSummary.objects.get(assessment=a)
    wrong = dict(good.result, points=1.0, total=1.0)
    expected = results.unit_row(results.compute_year(2026, "01", fresh=True), "H26.01")
    # written before the assessment's last event: scored from the rows instead
    AssessmentSummary.objects.filter(pk=a.pk).update(seq=good.seq - 1, result=wrong)
    row = results.unit_row(results.compute_year(2026, "01"), "H26.01")
    assert row["points"] == pytest.approx(88) and row == expected
    # an older layout of the stored figures
    AssessmentSummary.objects.filter(pk=a.pk).update(seq=good.seq, layout=0)
    assert results.unit_row(results.compute_year(2026, "01"), "H26.01") == expected
    # written for another status (self scores counted, the assessment now final)
    AssessmentSummary.objects.filter(pk=a.pk).update(layout=scoring.SUMMARY_LAYOUT, pending=True)
    assert results.unit_row(results.compute_year(2026, "01"), "H26.01") == expected
    # and the genuine one is used as it stands
    AssessmentSummary.objects.filter(pk=a.pk).update(pending=False)
    assert results.unit_row(results.compute_year(2026, "01"), "H26.01")["points"] == 1.0


@pytest.mark.django_db
def test_an_assessment_without_a_summary_is_scored_from_its_rows(cast):
    t = build_template()
    a = assessments.open_assessment(t, cast.agency_b, actor=SYSTEM)  # writes no summary
    assert not AssessmentSummary.objects.exists()
    Score.objects.filter(assessment=a, node__code="1.1.1").update(appraised_score=5)
    Assessment.objects.filter(pk=a.pk).update(status=AssessmentStatus.FINAL)  # appraised
    row = results.unit_row(results.compute_year(2026, "01"), "H26.01")
    assert row["points"] == pytest.approx(5)


@pytest.mark.django_db
def test_rebuild_writes_the_missing_summaries(cast, tmp_path):
    _import(write_bundle(tmp_path / "b"))
    AssessmentSummary.objects.all().delete()  # as after upgrading to summaries
    out = StringIO()
    call_command("rebuild_par_summaries", "--year", "2026", stdout=out)
    assert "2 PAR INDEX assessment summaries rewritten" in out.getvalue()
    for a in Assessment.objects.all():
        assert_current(a)
    assert_year_reads_summaries(2026)


@pytest.mark.django_db
def test_the_rank_change_from_last_years_summaries_equals_the_one_from_its_rows(cast):
    from cchc.reform.tests.test_pages_scale import import_year_pair

    import_year_pair([f"B26.{i:03d}" for i in range(9)])
    doc = assert_year_reads_summaries(2026)  # last year ranked from its totals alone
    assert any(r["rank_change"] for r in doc["agencies"])
