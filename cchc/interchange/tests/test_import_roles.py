"""The bulk loader keeps PostgreSQL's foreign-key checks unless the bundle is declared trusted,
and a database role that is not a superuser (production's application role) imports a bundle,
with or without `--trusted`. CI runs these on PostgreSQL."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db import connection

from cchc.dossiers.models import Dossier, DossierEvent
from cchc.interchange.formats import DOSSIERS
from cchc.interchange.services import import_bundle
from cchc.interchange.tests import bundles


def _bundle(tmp_path, first: int = 1):
    rows = [
        (bundles.dossier if i % 2 else bundles.open_dossier)(f"000.01.01.H26-260302-{i:04d}")
        for i in range(first, first + 6)
    ]
    return bundles.write(tmp_path, dossiers=rows)


def _dossier_result(results):
    (result,) = [r for r in results if r.name == DOSSIERS]
    assert not result.refused and not result.rejects, result.summary()
    return result


@pytest.fixture
def postgres(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip(
            "the COPY loader and its foreign-key triggers are PostgreSQL's (set DATABASE_URL); "
            "CI runs this on PostgreSQL"
        )


@pytest.fixture
def importer_role(postgres):
    """Connect as a fresh LOGIN role that is not a superuser, holding only the table and
    sequence privileges an application role has; dropped afterwards."""
    name = f"cchc_importer_{connection.settings_dict['NAME']}"[:63]
    with connection.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [name])
        if cur.fetchone():  # left by an interrupted run
            cur.execute(f'DROP OWNED BY "{name}"')
            cur.execute(f'DROP ROLE "{name}"')
        cur.execute(
            f"CREATE ROLE \"{name}\" LOGIN PASSWORD 'importer' NOSUPERUSER NOCREATEDB NOCREATEROLE"
        )
        cur.execute(f'GRANT USAGE ON SCHEMA public TO "{name}"')
        cur.execute(
            f'GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO "{name}"'
        )
        cur.execute(f'GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO "{name}"')
    saved = {key: connection.settings_dict[key] for key in ("USER", "PASSWORD")}
    connection.close()
    connection.settings_dict.update(USER=name, PASSWORD="importer")
    try:
        yield name
    finally:
        connection.close()
        connection.settings_dict.update(saved)
        with connection.cursor() as cur:
            cur.execute(f'DROP OWNED BY "{name}"')
            cur.execute(f'DROP ROLE "{name}"')


def test_a_role_that_is_not_a_superuser_imports_a_bundle(importer_role, tmp_path):
    with connection.cursor() as cur:
        cur.execute("SELECT current_user, usesuper FROM pg_user WHERE usename = current_user")
        assert cur.fetchone() == (importer_role, False)
    out = io.StringIO()
    call_command("import_bundle", str(_bundle(tmp_path)), stdout=out, stderr=io.StringIO())
    assert "dossiers.jsonl: 6 created" in out.getvalue()
    # --trusted cannot turn the triggers off for this role: the loader keeps them and succeeds
    result = _dossier_result(
        import_bundle(_bundle(tmp_path / "second", first=7), initiated_by="test", trusted=True)
    )
    assert result.created == 6 and result.stats["ri_triggers"] is True
    assert Dossier.objects.count() == 12
    assert DossierEvent.objects.filter(dossier__code__endswith="-0012").exists()


def test_foreign_keys_are_checked_unless_the_bundle_is_trusted(postgres, tmp_path):
    checked = _dossier_result(import_bundle(_bundle(tmp_path)))
    assert checked.created == 6 and checked.stats["ri_triggers"] is True
    trusted = _dossier_result(import_bundle(_bundle(tmp_path / "second", first=7), trusted=True))
    assert trusted.created == 6 and trusted.stats["ri_triggers"] is False  # superuser may
    assert Dossier.objects.count() == 12
