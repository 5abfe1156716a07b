"""Issue 17, point 1: imports carry `DongBoDVCQG` (synchronised to the national portal by the
previous system), the index counts it, and the export writes it back."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

from cchc.agencies.models import Agency
from cchc.dossiers.models import Dossier
from cchc.indices.periods import Period
from cchc.indices.refresh import refresh_dossiers
from cchc.indices.scoring import period_scores
from cchc.interchange.tests import bundles

pytestmark = pytest.mark.django_db


def _import(directory) -> str:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_bundle", str(directory), stdout=out, stderr=err)
    return out.getvalue()


def test_the_flag_is_imported_updated_counted_and_exported(tmp_path, settings):
    settings.DOSSIER_SYNC_URL = ""  # no endpoint here: only the imported flags are data
    synced = bundles.dossier("S-1", DongBoDVCQG=1)
    not_synced = bundles.dossier("S-2", DongBoDVCQG=0)
    absent = bundles.dossier("S-3")  # an older bundle without the key: not synchronised
    _import(bundles.write(tmp_path / "a", dossiers=[synced, not_synced, absent]))
    flags = dict(Dossier.objects.values_list("code", "synced_to_portal"))
    assert flags == {"S-1": True, "S-2": False, "S-3": False}

    refresh_dossiers(list(Dossier.objects.values_list("pk", flat=True)))
    agency = Agency.objects.get(code="H26.900")
    scores = period_scores("qd766", Period.parse("2026-03")).scores[agency.pk]
    metric = next(m for g in scores.groups for m in g.metrics if m.code == "DOSSIER_SYNC")
    assert (metric.numerator, metric.denominator, metric.no_data) == (1, 3, False)

    # a re-import with the flag changed updates the dossier (keyed by its code)
    out = _import(bundles.write(tmp_path / "b", dossiers=[bundles.dossier("S-2", DongBoDVCQG=1)]))
    assert "dossiers.jsonl: 0 created, 1 updated, 0 unchanged, 0 rejected" in out
    assert Dossier.objects.get(code="S-2").synced_to_portal

    bundles.export(tmp_path / "out")
    exported = {
        row["MaHoSo"]: row["DongBoDVCQG"]
        for row in map(json.loads, (tmp_path / "out" / "dossiers.jsonl").read_text().splitlines())
    }
    assert exported == {"S-1": 1, "S-2": 1, "S-3": 0}


def test_a_bad_flag_refuses_the_file_with_its_line(tmp_path):
    directory = bundles.write(tmp_path, dossiers=[bundles.dossier("S-9", DongBoDVCQG=2)])
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError):  # the file is refused
        call_command("import_bundle", str(directory), stdout=out, stderr=err)
    assert "dossiers.jsonl:1: " in err.getvalue() and "DongBoDVCQG" in err.getvalue()
    assert not Dossier.objects.filter(code="S-9").exists()
