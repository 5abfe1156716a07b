"""A template's criteria downloaded: Excel and PDF for reading offline, and a bundle of
par_templates.csv + par_nodes.csv that import_bundle loads into another installation."""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from cchc.core.actors import SYSTEM
from cchc.reform import criteria
from cchc.reform.models import Template
from cchc.reform.tests.helpers import NODES, build_template


def _tree(t):  # type: ignore[no-untyped-def]
    return sorted(
        (
            n.code,
            n.parent.code if n.parent else None,
            n.kind,
            n.name,
            n.max_points,
            n.method,
            n.guidance,
            n.evidence_required,
            n.measure,
            n.measure_rule,
        )
        for n in t.nodes.select_related("parent")
    )


@pytest.mark.django_db
def test_the_bundle_of_a_template_imports_as_the_same_tree(client, cast, tmp_path):
    t = build_template(code="T-2026", publish=False)
    criteria.save_node(
        t,
        actor=SYSTEM,
        code="1.1.1",
        parent_code="1.1",
        kind="subcriterion",
        method="self",
        name='Ban hành kế hoạch, nêu rõ "đúng hạn", có dấu phẩy',
        max_points=10,
        guidance="Đủ 3 văn bản: 10 điểm",
        evidence_required="Kế hoạch số ...",
    )
    t = criteria.publish_template(t, actor=SYSTEM)
    assert t.nodes.get(code="1.1.2").measure_rule == {"full_at": 80}
    client.force_login(cast.province_admin)
    r = client.get(reverse("reform:template_export", args=[t.pk, "zip"]))
    assert r.status_code == 200 and r["Content-Type"] == "application/zip"
    files = zipfile.ZipFile(io.BytesIO(r.content))
    assert sorted(files.namelist()) == ["par_nodes.csv", "par_templates.csv"]
    # the same files under another code load as a second, published template
    for name in files.namelist():
        text = files.read(name).decode().replace("T-2026", "T-COPY")
        (tmp_path / name).write_text(text, encoding="utf-8")
    out = io.StringIO()
    call_command("import_bundle", str(tmp_path), stdout=out)
    assert f"par_nodes.csv: {len(NODES)} created, 0 updated" in out.getvalue()
    copy = Template.objects.get(code="T-COPY")
    assert copy.is_published and copy.year == t.year and _tree(copy) == _tree(t)
    assert copy.nodes.get(code="1").max_points == Decimal(30)


@pytest.mark.django_db
def test_units_download_the_criteria_as_a_spreadsheet_but_not_the_bundle(client, cast):
    t = build_template()
    client.force_login(cast.specialist_a)
    r = client.get(reverse("reform:template_export", args=[t.pk, "xlsx"]))
    assert r.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(r.content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    codes = [row[0] for row in values]
    # each node after its parent, as on the page
    assert codes.index("1") < codes.index("1.1") < codes.index("1.1.1") < codes.index("2")
    assert ["1.1.2", "1.1"] == [v for v in values if v[0] == "1.1.2"][0][:2]
    assert client.get(reverse("reform:template_export", args=[t.pk, "pdf"])).status_code == 200
    assert client.get(reverse("reform:template_export", args=[t.pk, "zip"])).status_code == 403
    draft = build_template(code="DRAFT", publish=False)
    assert client.get(reverse("reform:template_export", args=[draft.pk, "xlsx"])).status_code == 403
    assert client.get(reverse("reform:template_export", args=[t.pk, "doc"])).status_code == 404


@pytest.mark.django_db
def test_a_bundle_without_the_optional_columns_loads_as_before_and_a_bad_rule_is_refused(
    cast, tmp_path
):
    (tmp_path / "par_templates.csv").write_text("code,year,name,survey_optional\nB,2026,B,0\n")
    nodes = (
        "template,code,parent_code,kind,name,max_points,method,measure,measure_rule\n"
        "B,1,,field,Một,10,,,\n"
        "B,1.1,1,criterion,Một một,10,computed,online_share,{{RULE}}\n"
    )
    (tmp_path / "par_nodes.csv").write_text(nodes.replace("{{RULE}}", "full_at=80"))
    with pytest.raises(CommandError):
        call_command("import_bundle", str(tmp_path), stdout=io.StringIO(), stderr=io.StringIO())
    assert not Template.objects.get(code="B").is_published
    (tmp_path / "par_nodes.csv").write_text(nodes.replace("{{RULE}}", '"{""full_at"": 80}"'))
    call_command("import_bundle", str(tmp_path), stdout=io.StringIO())
    node = Template.objects.get(code="B").nodes.get(code="1.1")
    assert (node.measure, node.measure_rule, node.guidance) == ("online_share", {"full_at": 80}, "")
