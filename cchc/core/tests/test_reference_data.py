"""Reference data loaded by data migrations comes back after a flush (post_migrate), but is
never loaded ahead of its own migration: a database migrated part of the way (`migrate
agencies 0001`) then failed its next `migrate` on the official units the signal had loaded."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder

from cchc.agencies.models import AdministrativeUnit, Agency
from cchc.core.reference_data import ensure_reference_data


def _empty_units() -> None:
    Agency.objects.update(unit=None)
    AdministrativeUnit.successors.through.objects.all().delete()
    AdministrativeUnit.objects.filter(parent__isnull=False).delete()
    AdministrativeUnit.objects.all().delete()


@pytest.mark.django_db(transaction=True)  # as after a flush: outside any transaction
def test_emptied_reference_data_is_loaded_again_once_its_migration_has_run():
    _empty_units()
    ensure_reference_data(using=connection.alias)
    assert AdministrativeUnit.objects.filter(level="PROVINCE").count() == 34


@pytest.mark.django_db  # in the test's transaction: the migration's record comes back after
def test_reference_data_waits_for_its_own_migration():
    MigrationRecorder(connection).migration_qs.filter(
        app="agencies", name="0002_official_units"
    ).delete()
    _empty_units()
    ensure_reference_data(using=connection.alias)
    assert not AdministrativeUnit.objects.exists()
