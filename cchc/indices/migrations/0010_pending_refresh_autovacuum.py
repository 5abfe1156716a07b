"""The queue of the queued refresh churns (a mark per action, a delete per refresh): let
autovacuum clear it after every thousand dead rows instead of after a fifth of the table."""

from django.db import migrations


PARAMS = {"autovacuum_vacuum_scale_factor": 0, "autovacuum_vacuum_threshold": 1000,
          "autovacuum_analyze_scale_factor": 0, "autovacuum_analyze_threshold": 1000}


def _alter(apps, schema_editor, clause):
    if schema_editor.connection.vendor != "postgresql":
        return
    table = apps.get_model("indices", "PendingRefresh")._meta.db_table
    schema_editor.execute(f"ALTER TABLE {table} {clause}")


def tune(apps, schema_editor):
    _alter(apps, schema_editor, "SET (" + ", ".join(f"{k} = {v}" for k, v in PARAMS.items()) + ")")


def untune(apps, schema_editor):
    _alter(apps, schema_editor, "RESET (" + ", ".join(PARAMS) + ")")


class Migration(migrations.Migration):
    dependencies = [("indices", "0009_facts_without_single_column_fk_indexes")]
    operations = [migrations.RunPython(tune, untune)]
