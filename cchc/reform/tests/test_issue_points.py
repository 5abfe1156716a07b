"""Points of issue 14 that earlier tests did not show: templates per unit type, a tree deeper
than three levels, several pieces of evidence per item, the computation on the appraiser's
sheet, the evidence list in the sheet's exports, and the unit's profile against its group."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from cchc.agencies.models import RankingGroup
from cchc.core.actors import SYSTEM
from cchc.core.errors import ValidationFailed
from cchc.reform import assessments, criteria, results
from cchc.reform.models import (
    Assessment,
    AssessmentStatus,
    Evidence,
    EvidenceFile,
    Score,
    Template,
)
from cchc.reform.tests.helpers import appraisal_team, build_template, save_nodes
from cchc.testing import AgencyFactory, member

MEASURES = {
    "online_share": "cchc.reform.tests.helpers.fake_online_share",
    "sipas": "cchc.reform.tests.helpers.fake_sipas",
}


def pdf(name: str, body: bytes = b"%PDF-1.4\n%evidence\n") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, body, content_type="application/pdf")


# ------------------------------------------------------------------ 1. templates per unit type
@pytest.mark.django_db
def test_a_unit_cannot_be_assessed_under_another_unit_types_template(cast):
    # agency_a is a commune, agency_b a provincial department
    t = build_template(code="SBN", unit_level="PROVINCE_AGENCY")
    with pytest.raises(ValidationFailed, match="dành cho loại đơn vị PROVINCE_AGENCY") as err:
        assessments.open_assessment(t, cast.agency_a, actor=cast.specialist_a)
    assert cast.agency_a.name in str(err.value)
    assert not Assessment.objects.filter(agency=cast.agency_a).exists()  # nothing half-saved
    # Home Affairs cannot open it on the commune's behalf either
    with pytest.raises(ValidationFailed):
        assessments.open_assessment(t, cast.agency_a, actor=SYSTEM)
    # the department it is meant for opens it
    assessments.open_assessment(t, cast.agency_b, actor=cast.specialist_b)
    # a template without a unit type serves any unit
    open_t = build_template(code="ANY")
    assert assessments.open_assessment(open_t, cast.agency_a, actor=cast.specialist_a).pk


@pytest.mark.django_db
def test_submission_under_another_unit_types_template_is_refused(cast):
    """A template whose unit type was changed while a draft was open (or a row created by
    hand): the submission checks it again and leaves the draft as it was."""
    t = build_template(code="XA", unit_level="COMMUNE")
    a = assessments.open_assessment(t, cast.agency_a, actor=cast.specialist_a)
    type(t).objects.filter(pk=t.pk).update(unit_level="PROVINCE_AGENCY")
    a = Assessment.objects.get(pk=a.pk)
    assessments.set_self_score(a, "1.1.1", actor=cast.specialist_a, score=5, explanation="Có")
    assessments.set_self_score(a, "1.1.2", actor=cast.specialist_a, score=5, explanation="Có")
    with pytest.raises(ValidationFailed, match="không thể tự đánh giá"):
        assessments.submit(a, actor=cast.leader_a)
    a.refresh_from_db()
    assert a.status == AssessmentStatus.DRAFT and a.submitted_at is None


@pytest.mark.django_db
def test_the_open_page_shows_the_refusal_in_vietnamese(client, cast):
    t = build_template(code="SBN", unit_level="PROVINCE_AGENCY")
    client.force_login(cast.specialist_a)
    r = client.post(
        reverse("reform:assessment_open", args=[t.pk]), {"agency": cast.agency_a.pk}, follow=True
    )
    assert "dành cho loại đơn vị PROVINCE_AGENCY" in r.content.decode()
    assert not Assessment.objects.exists()


@pytest.mark.django_db
def test_home_offers_each_unit_only_the_templates_of_its_type(client, cast):
    dept = build_template(code="SBN", unit_level="PROVINCE_AGENCY")
    commune = build_template(code="XA", unit_level="COMMUNE")
    client.force_login(cast.specialist_a)  # staff of the commune agency_a only
    page = client.get(reverse("reform:home")).content.decode()
    assert reverse("reform:assessment_open", args=[commune.pk]) in page
    assert reverse("reform:assessment_open", args=[dept.pk]) not in page
    client.force_login(cast.specialist_b)  # staff of the department agency_b
    page = client.get(reverse("reform:home")).content.decode()
    assert reverse("reform:assessment_open", args=[dept.pk]) in page
    assert reverse("reform:assessment_open", args=[commune.pk]) not in page


@pytest.mark.django_db
def test_a_template_unit_type_must_be_an_agency_level(cast):
    with pytest.raises(ValidationFailed, match="Loại đơn vị province không hợp lệ"):
        criteria.create_template(actor=SYSTEM, code="T", year=2026, name="T", unit_level="province")
    assert not Template.objects.filter(code="T").exists()
    t = criteria.create_template(actor=SYSTEM, code="T", year=2026, name="T", unit_level="COMMUNE")
    with pytest.raises(ValidationFailed, match="COMMUNE"):
        criteria.update_template(t, actor=SYSTEM, unit_level="xã")
    t.refresh_from_db()
    assert t.unit_level == "COMMUNE"
    criteria.update_template(t, actor=SYSTEM, unit_level="")
    t.refresh_from_db()
    assert t.unit_level == ""


# ------------------------------------------------------- 2. a tree deeper than three levels
DEEP = [
    # code, parent, kind, max, method
    ("1", None, "field", 40, ""),
    ("1.1", "1", "criterion", 40, ""),
    ("1.1.1", "1.1", "subcriterion", 30, ""),
    ("1.1.1.1", "1.1.1", "subcriterion", 10, "self"),
    ("1.1.1.2", "1.1.1", "subcriterion", 20, "self"),
    ("1.1.2", "1.1", "subcriterion", 10, "self"),
    ("2", None, "field", 60, ""),
    ("2.1", "2", "criterion", 60, ""),
    ("2.1.1", "2.1", "subcriterion", 60, "self"),
]


def _deep_template():  # type: ignore[no-untyped-def]
    t = criteria.create_template(actor=SYSTEM, code="DEEP", year=2026, name="Bốn cấp")
    save_nodes(t, DEEP)
    return t


def _final(t, agency, values):  # type: ignore[no-untyped-def]
    a = assessments.open_assessment(t, agency, actor=SYSTEM)
    for code, v in values.items():
        Score.objects.filter(assessment=a, node__code=code).update(self_score=v, appraised_score=v)
    Assessment.objects.filter(pk=a.pk).update(status=AssessmentStatus.FINAL)
    return a


@pytest.mark.django_db
def test_a_four_level_tree_scores_and_ranks(cast):
    t = _deep_template()
    # children that do not add up to their parent are refused at every level
    save_nodes(t, [("1.1.1.2", "1.1.1", "subcriterion", 15, "self")])
    assert any("1.1.1" in p for p in criteria.template_problems(t))
    with pytest.raises(ValidationFailed):
        criteria.publish_template(t, actor=SYSTEM)
    save_nodes(t, [("1.1.1.2", "1.1.1", "subcriterion", 20, "self")])
    t = criteria.publish_template(t, actor=SYSTEM)
    # only the leaves are scored: 1.1.1 is an inner node at the third level
    group = RankingGroup.objects.create(name="Nhóm sâu")
    units = {
        code: AgencyFactory(code=code, name=f"Đơn vị {code}", group=group)
        for code in ("H26.71", "H26.72", "H26.73")
    }
    a = _final(t, units["H26.71"], {"1.1.1.1": 10, "1.1.1.2": 15, "1.1.2": 5, "2.1.1": 50})
    assert sorted(a.scores.values_list("node__code", flat=True)) == [
        "1.1.1.1",
        "1.1.1.2",
        "1.1.2",
        "2.1.1",
    ]
    _final(t, units["H26.72"], {"1.1.1.1": 5, "1.1.1.2": 20, "1.1.2": 10, "2.1.1": 45})
    _final(t, units["H26.73"], {"1.1.1.1": 10, "1.1.1.2": 20, "1.1.2": 10, "2.1.1": 59.5})
    doc = results.compute_year(2026)
    x, y, z = (results.unit_row(doc, c) for c in ("H26.71", "H26.72", "H26.73"))
    assert (x["points"], x["total"]) == (pytest.approx(80), pytest.approx(80))
    assert (y["points"], y["total"]) == (pytest.approx(80), pytest.approx(80))
    assert z["total"] == pytest.approx(99.5)
    assert (z["rank"], x["rank"], y["rank"]) == (1, 2, 2)  # ties share a rank
    # the sub-sub-criteria add up through the third level into the criterion and the field
    assert x["groups"]["1"]["score"] == pytest.approx(30)
    assert x["groups"]["1"]["criteria"]["1.1"]["score"] == pytest.approx(30)
    assert y["groups"]["1"]["criteria"]["1.1"]["score"] == pytest.approx(35)
    assert x["groups"]["2"]["score"] == pytest.approx(50)


# ------------------------------------------------------------ 3. several pieces of evidence
@pytest.mark.django_db
def test_several_pieces_of_evidence_on_one_item_and_one_file_on_two_items(cast):
    t = build_template()
    a = assessments.open_assessment(t, cast.agency_b, actor=cast.specialist_b)
    common = {"actor": cast.specialist_b, "issuer": "UBND tỉnh", "doc_date": dt.date(2026, 2, 1)}
    assessments.add_evidence(a, "1.1.1", doc_number="01/KH", upload=pdf("kh.pdf"), **common)
    assessments.add_evidence(
        a, "1.1.1", doc_number="02/BC", upload=pdf("bc.pdf", b"%PDF-1.4\n%report\n"), **common
    )
    with pytest.raises(ValidationFailed, match="tệp"):  # no file: proves nothing
        assessments.add_evidence(a, "1.1.1", doc_number="03/CV", **common)
    assessments.add_evidence(
        a, "1.1.1", doc_number="03/CV", upload=pdf("cv.pdf", b"%PDF-1.4\n%cv\n"), **common
    )
    # the same content uploaded again on another item, and the stored file picked by id
    again = assessments.add_evidence(
        a, "1.1.2", doc_number="01/KH", upload=pdf("kh-copy.pdf"), **common
    )
    first = Evidence.objects.get(doc_number="01/KH", score__node__code="1.1.1")
    picked = assessments.add_evidence(
        a, "1.1.2", doc_number="04/QD", file_id=first.file_id, **common
    )
    row = Score.objects.get(assessment=a, node__code="1.1.1")
    assert [e.doc_number for e in row.evidence.all()] == ["01/KH", "02/BC", "03/CV"]
    assert EvidenceFile.objects.count() == 3  # kh.pdf stored once, bc.pdf, cv.pdf
    assert again.file_id == first.file_id == picked.file_id
    assert first.file is not None and first.file.uses.count() == 3
    # removing one use leaves the stored file and the other uses
    assessments.remove_evidence(again, actor=cast.specialist_b)
    assert EvidenceFile.objects.filter(pk=first.file.pk).exists()
    assert row.evidence.count() == 3


# ------------------------------------- 4. the computation on the appraiser's scoring sheet
@pytest.mark.django_db
@override_settings(PLATFORM_MEASURES=MEASURES)
def test_appraiser_sees_the_computation_and_the_records_link(client, cast):
    t = build_template()
    chair = appraisal_team(t, cast.agency_b)
    a = assessments.open_assessment(t, cast.agency_b, actor=cast.specialist_b)
    assessments.prefill_computed(a, actor=cast.specialist_b)
    assessments.set_self_score(a, "1.1.1", actor=cast.specialist_b, score=9, explanation="Có")
    assessments.submit(a, actor=cast.leader_b)
    snap = Score.objects.get(assessment=a, node__code="1.1.2").snapshot
    assert (snap["numerator"], snap["denominator"], snap["value"]) == (60, 100, 60.0)
    client.force_login(chair)
    page = client.get(reverse("reform:assessment", args=[a.pk])).content.decode()
    assert "Tỷ lệ hồ sơ trực tuyến = 60/100 (60,00 %)" in page
    assert f'href="{snap["evidence_url"]}"' in page
    assert "/indices/evidence/H26.01/ONLINE_DOSSIERS/?period=2026" in snap["evidence_url"]


# ----------------------------------------- 5. the evidence list in the sheet's exports
@pytest.mark.django_db
def test_sheet_exports_carry_the_evidence_list(client, cast):
    from openpyxl import load_workbook
    from pypdf import PdfReader

    t = build_template()
    a = assessments.open_assessment(t, cast.agency_b, actor=cast.specialist_b)
    common = {"actor": cast.specialist_b, "issuer": "Sở Nội vụ", "doc_date": dt.date(2026, 3, 5)}
    assessments.add_evidence(a, "1.1.1", doc_number="15/KH-SNV", upload=pdf("kh.pdf"), **common)
    assessments.add_evidence(a, "1.1.1", doc_number="27/BC-SNV", upload=pdf("bc.pdf"), **common)
    assessments.add_evidence(a, "1.1.2", doc_number="88/QD-UBND", upload=pdf("qd.pdf"), **common)
    client.force_login(cast.specialist_b)
    xlsx = client.get(reverse("reform:assessment_export", args=[a.pk, "xlsx"]))
    assert xlsx.status_code == 200
    ws = load_workbook(io.BytesIO(xlsx.content)).active
    text = "\n".join(str(c) for row in ws.iter_rows(values_only=True) for c in row if c)
    for number in ("15/KH-SNV", "27/BC-SNV", "88/QD-UBND", "kh.pdf", "05/03/2026"):
        assert number in text, number
    header = next(ws.iter_rows(values_only=True))
    assert "Minh chứng" in header or "Evidence" in header
    row = {r[0]: r for r in ws.iter_rows(values_only=True)}["1.1.1"]
    ev = row[header.index("Minh chứng" if "Minh chứng" in header else "Evidence")]
    assert "15/KH-SNV" in ev and "27/BC-SNV" in ev
    pdf_r = client.get(reverse("reform:assessment_export", args=[a.pk, "pdf"]))
    assert pdf_r.content[:4] == b"%PDF"
    pdf_text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf_r.content)).pages)
    compact = pdf_text.replace("\n", "").replace(" ", "")
    for number in ("15/KH-SNV", "27/BC-SNV", "88/QD-UBND"):
        assert number in compact, number


# ------------------------------------------- 6. the unit's profile against its group
@pytest.mark.django_db
def test_results_page_profiles_the_unit_against_its_group(client, cast):
    t = _deep_template()
    t = criteria.publish_template(t, actor=SYSTEM)
    group = RankingGroup.objects.create(name="Nhóm hồ sơ")
    units = [AgencyFactory(code=f"H26.8{i}", name=f"Đơn vị 8{i}", group=group) for i in range(3)]
    _final(t, units[0], {"1.1.1.1": 4, "1.1.1.2": 10, "1.1.2": 6, "2.1.1": 30})  # 1: 20, 2: 30
    _final(t, units[1], {"1.1.1.1": 10, "1.1.1.2": 20, "1.1.2": 10, "2.1.1": 40})  # 40, 40
    _final(t, units[2], {"1.1.1.1": 8, "1.1.1.2": 16, "1.1.2": 6, "2.1.1": 60})  # 30, 60
    client.force_login(cast.province_admin)
    r = client.get(reverse("reform:unit", args=[2026, "H26.80"]))
    assert r.status_code == 200
    lost = {f["code"]: f for f in r.context["lost"]}
    assert (lost["1"]["score"], lost["1"]["best"], lost["1"]["median"]) == (20, 40, 30)
    assert (lost["2"]["score"], lost["2"]["best"], lost["2"]["median"]) == (30, 60, 40)
    assert lost["2"]["lost"] == pytest.approx(30)
    page = r.content.decode()
    # the bar of field 1: 20 of 40 -> 60 px of 120, the group median 30 of 40 at 90 px
    assert '<svg width="120" height="12" role="img" aria-label="1">' in page
    bar = page.split('aria-label="1">', 1)[1].split("</svg>", 1)[0]
    assert '<rect width="60" height="12" fill="#1e88e5"/>' in bar
    assert 'x1="90"' in bar
    # field 2: 30 of 60 -> 60 px, median 40 of 60 -> 80 px
    bar = page.split('aria-label="2">', 1)[1].split("</svg>", 1)[0]
    assert '<rect width="60" height="12"' in bar and 'x1="80"' in bar
    # fields in template order, each with its criteria against the group
    assert [f["code"] for f in r.context["lost"]] == ["1", "2"]
    crit = lost["2"]["criteria"][0]
    assert (crit["code"], crit["score"], crit["best"], crit["median"]) == ("2.1", 30, 60, 40)


@pytest.mark.django_db
def test_before_publication_a_unit_opens_and_is_linked_to_its_own_result_only(client, cast):
    import typing

    from cchc.agencies.models import Agency
    from cchc.reform import publishing

    t = criteria.publish_template(_deep_template(), actor=SYSTEM)
    group = RankingGroup.objects.create(name="Nhóm hồ sơ")
    mine, other = (
        AgencyFactory(code=f"H26.9{i}", name=f"Đơn vị 9{i}", group=group) for i in (1, 2)
    )
    for unit in (mine, other):
        _final(t, unit, {"1.1.1.1": 4, "1.1.1.2": 10, "1.1.2": 6, "2.1.1": 30})
    client.force_login(member("specialist_91", typing.cast(Agency, mine), "SPECIALIST"))
    mine_url, other_url = (reverse("reform:unit", args=[2026, a.code]) for a in (mine, other))
    ranking = client.get(reverse("reform:ranking", args=[2026])).content.decode()
    assert f'href="{mine_url}"' in ranking and f'href="{other_url}"' not in ranking
    # not even listed: a unit never sees another unit's assessment before publication
    # (docs/reform.md; QA walk B found the other unit's provisional figures on this page)
    assert "Đơn vị 92" not in ranking
    assert client.get(mine_url).status_code == 200
    assert client.get(other_url).status_code == 403
    publishing.publish_results(2026, actor=SYSTEM, confirm_incomplete=True)
    ranking = client.get(reverse("reform:ranking", args=[2026])).content.decode()
    assert f'href="{other_url}"' in ranking
    assert client.get(other_url).status_code == 200


@pytest.mark.django_db
def test_before_publication_a_units_page_shows_no_figure_made_of_other_units(client, cast):
    """A group's best and median are other units' provisional scores (of two units, the best
    is the other's score): a unit's own page shows them only once the year is published."""
    import typing

    from cchc.agencies.models import Agency
    from cchc.reform import publishing

    t = criteria.publish_template(_deep_template(), actor=SYSTEM)
    group = RankingGroup.objects.create(name="Nhóm hồ sơ")
    mine, other = (
        AgencyFactory(code=f"H26.9{i}", name=f"Đơn vị 9{i}", group=group) for i in (1, 2)
    )
    _final(t, mine, {"1.1.1.1": 4, "1.1.1.2": 10, "1.1.2": 6, "2.1.1": 30})
    _final(t, other, {"1.1.1.1": 5, "1.1.1.2": 12, "1.1.2": 9, "2.1.1": 37})
    client.force_login(member("specialist_91", typing.cast(Agency, mine), "SPECIALIST"))
    url = reverse("reform:unit", args=[2026, mine.code])
    page = client.get(url).content.decode()
    lost = page.split('<table id="lost">')[1].split("</table>")[0]
    assert "Cao nhất nhóm" not in lost and "Trung vị nhóm" not in lost
    # the other unit's criterion 1.1 (5 + 12 + 9) and field 2, as the group's best
    assert "26,00" not in lost and "37,00" not in lost
    assert 'id="peers-hidden"' in page
    assert "Trung vị nhóm" not in page  # nor in the field profile chart
    publishing.publish_results(2026, actor=SYSTEM, confirm_incomplete=True)
    page = client.get(url).content.decode()
    lost = page.split('<table id="lost">')[1].split("</table>")[0]
    assert "Cao nhất nhóm" in lost and "26,00" in lost and "37,00" in lost
    assert 'id="peers-hidden"' not in page
