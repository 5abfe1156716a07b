from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command

from cchc.agencies.models import AdministrativeUnit, Agency

pytestmark = pytest.mark.django_db


def test_official_units_are_loaded_by_the_first_migration():
    assert AdministrativeUnit.objects.filter(level="PROVINCE").count() == 34
    assert AdministrativeUnit.objects.filter(level="COMMUNE").count() == 3321
    assert AdministrativeUnit.objects.filter(level="COMMUNE", province_code="01").count() == 126
    hanoi = AdministrativeUnit.objects.get(level="PROVINCE", code="01")
    assert hanoi.name == "Thành phố Hà Nội"


def test_merged_district_resolves_to_its_successors_through_chains():
    def agency(code, valid_to=None):
        return Agency.objects.create(
            code=code,
            name=code,
            level="COMMUNE",
            province_code="01",
            valid_from=dt.date(2008, 8, 1),
            valid_to=valid_to,
        )

    district = agency("H26.DS", dt.date(2025, 6, 30))
    old_commune = agency("H26.OLD", dt.date(2025, 6, 30))
    a, b = agency("H26.200"), agency("H26.201")
    district.successors.set([old_commune, a])
    old_commune.successors.set([b])
    assert {x.code for x in district.resolve_current(dt.date(2026, 1, 1))} == {"H26.200", "H26.201"}
    assert district.resolve_current(dt.date(2024, 1, 1)) == [district]
    assert Agency.objects.valid_on(dt.date(2026, 1, 1)).filter(code="H26.DS").count() == 0


def test_no_model_change_lacks_a_migration():
    out = StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out)
    except SystemExit as exc:  # makemigrations --check exits 1 when a migration is missing
        pytest.fail(f"missing migration:\n{out.getvalue()}") if exc.code else None
