"""The database cache table (settings.CACHES, "cchc_cache") created by `migrate` itself.

Throttles, the Open311 client limits and sessions' helpers read this cache: a database
migrated without the separate `createcachetable` step used to answer 500. This runs
Django's own createcachetable (idempotent: an existing table is left alone)."""

from django.core.management import call_command
from django.db import migrations


def create(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


def drop(apps, schema_editor):
    from django.conf import settings
    from django.core.cache import caches
    from django.core.cache.backends.db import BaseDatabaseCache

    connection = schema_editor.connection
    for alias in settings.CACHES:
        cache = caches[alias]
        if not isinstance(cache, BaseDatabaseCache):
            continue
        table = getattr(cache, "_table", "")
        if table and table in connection.introspection.table_names():
            schema_editor.execute(f"DROP TABLE {connection.ops.quote_name(table)}")


class Migration(migrations.Migration):
    dependencies = [("core", "0002_seed_rules")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
