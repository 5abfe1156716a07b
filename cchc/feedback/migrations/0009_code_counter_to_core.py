"""The yearly code counters of petitions and complaints (PA, KN, TC) move to the shared one
(core.CodeCounter, `cchc.core.identifiers.next_code`), which reform tasks and inspections
draw from too: the numbers issued so far are carried over, so no code is issued twice."""

from django.db import migrations


def carry_over(apps, schema_editor):
    Old = apps.get_model("feedback", "CodeCounter")
    New = apps.get_model("core", "CodeCounter")
    for row in Old.objects.all():
        New.objects.update_or_create(
            prefix=row.prefix, year=row.year, defaults={"last": row.last}
        )


def carry_back(apps, schema_editor):
    Old = apps.get_model("feedback", "CodeCounter")
    New = apps.get_model("core", "CodeCounter")
    for row in New.objects.filter(prefix__in=("PA", "KN", "TC")):
        Old.objects.update_or_create(
            prefix=row.prefix, year=row.year, defaults={"last": row.last}
        )


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0012_code_counter"),
        ("feedback", "0008_reply_notice_to_sent_notice"),
    ]

    operations = [
        migrations.RunPython(carry_over, carry_back),
        migrations.DeleteModel(name="CodeCounter"),
    ]
