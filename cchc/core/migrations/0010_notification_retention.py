"""The notification outbox in the retention rule (issue 12 point 6, cchc/core/retention.py):
`notification_months` of the `personal_data_retention` rule says how long a sent or failed
message (its recipient's phone or e-mail, encrypted, and its text) is kept before
`apply_retention` deletes it. Twelve months: a message proves the applicant was told (a
complaint against the handling: 90 days, Luật Khiếu nại 2011 art. 9; an administrative
lawsuit: 1 year, Luật Tố tụng hành chính 2015 art. 116); the dossier's own history keeps the
fact that a notice was due. A new parameter of the version in force, no period changed, so
the version is completed rather than replaced; a province sets another period by adding a
rule version."""

from django.db import migrations

KEY = "personal_data_retention"
PARAM = "notification_months"
MONTHS = 12


def seed(apps, schema_editor):
    RuleVersion = apps.get_model("core", "RuleVersion")
    for rule in RuleVersion.objects.filter(key=KEY):
        if PARAM not in rule.params:
            rule.params = {**rule.params, PARAM: MONTHS}
            rule.save(update_fields=["params"])


def unseed(apps, schema_editor):
    RuleVersion = apps.get_model("core", "RuleVersion")
    for rule in RuleVersion.objects.filter(key=KEY):
        if PARAM in rule.params:
            rule.params = {k: v for k, v in rule.params.items() if k != PARAM}
            rule.save(update_fields=["params"])


class Migration(migrations.Migration):
    dependencies = [("core", "0009_idempotency_key_scope")]
    operations = [migrations.RunPython(seed, unseed)]
