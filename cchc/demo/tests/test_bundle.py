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
