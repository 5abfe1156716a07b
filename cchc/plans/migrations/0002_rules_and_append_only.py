"""The plans rule data (reminder offsets, remediation days, emulation scheme) and the
append-only guard of the task, inspection and finding logs."""

import datetime as dt

from django.db import migrations

TABLES = ("plans_taskevent", "plans_inspectionevent", "plans_findingevent")


def forwards(apps, schema_editor):
    from cchc.plans.rules import DEFAULTS

    RuleVersion = apps.get_model("core", "RuleVersion")
    RuleVersion.objects.get_or_create(
        key="plans",
        version="2026",
        defaults={
            "effective_from": dt.date(2014, 1, 1),
            "legal_source": (
                "QĐ 42/2014/QĐ-TTg (sửa đổi 23/2018); nhắc hạn 7/3/1 ngày [S]; "
                "khắc phục trong 15 ngày [S]; thi đua theo phần mềm giao việc Đà Nẵng [C]"
            ),
            "params": DEFAULTS,
        },
    )
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(
            "CREATE OR REPLACE FUNCTION cchc_plans_append_only() RETURNS trigger AS $$ "
            "BEGIN RAISE EXCEPTION 'plans events are append-only'; END; $$ LANGUAGE plpgsql;"
        )
        for t in TABLES:
            schema_editor.execute(
                f"CREATE TRIGGER {t}_no_update BEFORE UPDATE OR DELETE ON {t} "
                "FOR EACH ROW EXECUTE FUNCTION cchc_plans_append_only();"
            )
    elif vendor == "sqlite":
        for t in TABLES:
            schema_editor.execute(
                f"CREATE TRIGGER {t}_no_update BEFORE UPDATE ON {t} "
                "BEGIN SELECT RAISE(ABORT, 'plans events are append-only'); END;"
            )


def backwards(apps, schema_editor):
    for t in TABLES:
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {t}_no_update ON {t};")
        else:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {t}_no_update;")


class Migration(migrations.Migration):
    dependencies = [("plans", "0001_initial"), ("core", "0002_seed_rules")]
    operations = [migrations.RunPython(forwards, backwards)]
