"""The control slip's "early" threshold becomes rule data (issue 16, point 4): a step finished
with at least this much working time to spare is flagged early (Thông tư 01/2018/TT-VPCP slip,
kept by Thông tư 03/2025/TT-VPCP). One working hour in both one-stop rule versions."""

from django.db import migrations

KEY = "early_step_working_seconds"


def forwards(apps, schema_editor):
    RuleVersion = apps.get_model("core", "RuleVersion")
    for rule in RuleVersion.objects.filter(key="one_stop"):
        rule.params = {**rule.params, KEY: 3600}
        rule.save(update_fields=["params"])


def backwards(apps, schema_editor):
    RuleVersion = apps.get_model("core", "RuleVersion")
    for rule in RuleVersion.objects.filter(key="one_stop"):
        rule.params = {k: v for k, v in rule.params.items() if k != KEY}
        rule.save(update_fields=["params"])


class Migration(migrations.Migration):
    dependencies = [("core", "0004_idempotency_key")]
    operations = [migrations.RunPython(forwards, backwards)]
