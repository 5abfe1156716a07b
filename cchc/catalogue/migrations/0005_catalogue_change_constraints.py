"""The catalogue's audit rows on the event core, second step: the columns and constraints of
an event log (the procedure required and protected, one sequence per procedure) and the
append-only triggers, once 0004 has numbered and chained the rows (PostgreSQL alters no
table with row updates pending in the same transaction)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from cchc.core import events


class Migration(migrations.Migration):
    dependencies = [
        ("catalogue", "0004_catalogue_change_on_event_core"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="cataloguechange",
            name="action",
            field=models.CharField(
                choices=[
                    ("create", "Created"),
                    ("update", "Edited"),
                    ("publish", "Published"),
                    ("withdraw", "Withdrawn"),
                ],
                max_length=40,
                verbose_name="action",
            ),
        ),
        migrations.AlterField(
            model_name="cataloguechange",
            name="actor",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="actor",
            ),
        ),
        migrations.AlterField(
            model_name="cataloguechange",
            name="at",
            field=models.DateTimeField(verbose_name="time"),
        ),
        migrations.AlterField(
            model_name="cataloguechange",
            name="procedure",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="changes",
                to="catalogue.procedure",
            ),
        ),
        migrations.AlterModelOptions(
            name="cataloguechange",
            options={
                "ordering": ["-at", "-seq"],
                "verbose_name": "catalogue change",
                "verbose_name_plural": "catalogue changes",
            },
        ),
        migrations.AddConstraint(
            model_name="cataloguechange",
            constraint=models.UniqueConstraint(
                fields=("procedure", "seq"), name="uniq_catalogue_change_seq"
            ),
        ),
        events.append_only_triggers("catalogue_cataloguechange", "catalogue changes"),
    ]
