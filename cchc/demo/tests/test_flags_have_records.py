"""Demo data tells the truth (issue 16, points 2 and 9): no 766 document flag without the
record behind it. The bundle carries no documents, so the demo bundle carries no document
flags; the seed creates the records (scans, results) and the flags follow from them."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Exists, OuterRef

from cchc.demo.bundle import generate
from cchc.demo.management.commands.seed_demo import Command
from cchc.dossiers.models import Dossier, DossierDocument

pytestmark = pytest.mark.django_db

FLAG_KEYS = ("HoSoCoThanhPhanSoHoa", "CoKetQuaDienTu", "TaiSuDungDuLieuSoHoa")


def _lines(directory):
    with open(directory / "dossiers.jsonl", encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]


def test_the_demo_bundle_claims_no_document_without_records_and_keeps_everything_else(
    tmp_path,
):
    generate(tmp_path / "bench", dossiers=120, seed=5)
    generate(tmp_path / "demo", dossiers=120, seed=5, document_flags=False)
    bench, demo = _lines(tmp_path / "bench"), _lines(tmp_path / "demo")
    assert any(row[k] for row in bench for k in FLAG_KEYS)  # benchmarks keep their load
    assert not any(row[k] for row in demo for k in FLAG_KEYS)
    # the same random draws either way: every other value is the same
    strip = [{k: v for k, v in row.items() if k not in FLAG_KEYS} for row in bench]
    assert strip == [{k: v for k, v in row.items() if k not in FLAG_KEYS} for row in demo]


def test_in_the_seeded_demo_every_766_document_flag_has_its_record(
    tmp_path, django_capture_on_commit_callbacks
):
    """The dossier part of `seed_demo` on a small bundle: import, catalogue, users, document
    sample, live dossiers through the services."""
    generate(tmp_path, dossiers=400, document_flags=False)
    call_command("import_bundle", str(tmp_path), stdout=StringIO(), stderr=StringIO())
    command = Command(stdout=StringIO())
    with django_capture_on_commit_callbacks(execute=True):
        command._finish_catalogue()
        command._form_templates()
        command._users()
        command._documents()
        command._live_dossiers()
    links = DossierDocument.objects.filter(dossier=OuterRef("pk"))
    component = links.filter(role=DossierDocument.Role.COMPONENT)
    rows = Dossier.objects.annotate(
        component=Exists(component),
        reused=Exists(component.filter(reused=True)),
        result=Exists(links.filter(role=DossierDocument.Role.RESULT)),
    ).values_list(
        "code",
        "has_digitized_components",
        "component",
        "reused_digitized_data",
        "reused",
        "has_electronic_result",
        "result",
    )
    rows = list(rows)
    assert len(rows) > 300
    wrong = [r for r in rows if (r[1], r[3], r[5]) != (r[2], r[4], r[6])]
    assert wrong == []
    # and the demo still shows each flag somewhere, backed by its record
    assert sum(r[1] for r in rows) > 0 and sum(r[5] for r in rows) > 0
