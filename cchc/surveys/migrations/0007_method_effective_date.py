"""Method versions have a family and an effective date (issue 13 / domain.md §6: the index is
computed "by the method version in force"). The seeded versions get theirs: `sipas-2023`
(family `sipas`) is in force from the date of Decision 1001/QĐ-BNV, 11/12/2023; the
per-dossier evaluation `danh-gia-ho-so` has no date (in force until a later version)."""

import datetime as dt

from django.db import migrations, models

SEEDED = {
    "sipas-2023": ("sipas", dt.date(2023, 12, 11)),
    "danh-gia-ho-so": ("danh-gia-ho-so", None),
}


def seed(apps, schema_editor):
    Method = apps.get_model("surveys", "Method")
    for code, (family, effective_from) in SEEDED.items():
        Method.objects.filter(code=code).update(family=family, effective_from=effective_from)


class Migration(migrations.Migration):

    dependencies = [
        ("surveys", "0006_encrypt_contact_details"),
    ]

    operations = [
        migrations.AddField(
            model_name="method",
            name="family",
            field=models.CharField(
                blank=True,
                db_index=True,
                help_text="the versions of one method share it; blank: a method of one version",
                max_length=40,
                verbose_name="method family",
            ),
        ),
        migrations.AddField(
            model_name="method",
            name="effective_from",
            field=models.DateField(
                blank=True,
                help_text="blank: in force until a later version of the family takes over",
                null=True,
                verbose_name="in force from",
            ),
        ),
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
