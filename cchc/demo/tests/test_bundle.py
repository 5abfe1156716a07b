"""The demo bundle tells the truth: its petitions say something, and the importer takes them."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command

from cchc.demo.bundle import generate

pytestmark = pytest.mark.django_db


def test_demo_petitions_have_titles_contents_and_answers_and_import(tmp_path):
    generate(tmp_path, dossiers=40, petitions=60)
    rows = [json.loads(line) for line in (tmp_path / "petitions.jsonl").open(encoding="utf-8")]
    assert len(rows) > 30
    for row in rows:
        assert row["TieuDe"] and row["NoiDung"]
        assert ("TraLoi" in row) == (row["NgayXuLyXong"] is not None)
        assert "{" not in row["TieuDe"] + row["NoiDung"] + row.get("TraLoi", "")
    assert len({row["TieuDe"] for row in rows}) > 5  # not one sentence repeated

    from cchc.feedback.models import Petition

    call_command("import_bundle", str(tmp_path), stdout=StringIO(), stderr=StringIO())
    assert Petition.objects.count() == len(rows)
    assert not Petition.objects.filter(title="").exists()
    answered = Petition.objects.exclude(handled_at=None)
    assert answered.exists() and not answered.filter(answer="").exists()


def test_demo_dossiers_are_mostly_synchronised_to_the_national_portal(tmp_path):
    """DongBoDVCQG was never written: every unit had 0 % on the 766 index's "Tỷ lệ hồ sơ
    đồng bộ lên Cổng DVCQG" (6 points) in the demo, as no province's data has it."""
    generate(tmp_path, dossiers=600)
    rows = [json.loads(line) for line in (tmp_path / "dossiers.jsonl").open(encoding="utf-8")]
    synced = [row["DongBoDVCQG"] for row in rows]
    assert 0.8 < sum(synced) / len(synced) < 1  # most, not all

    from cchc.dossiers.models import Dossier

    call_command("import_bundle", str(tmp_path), stdout=StringIO(), stderr=StringIO())
    assert Dossier.objects.filter(synced_to_portal=True).count() == sum(synced)
