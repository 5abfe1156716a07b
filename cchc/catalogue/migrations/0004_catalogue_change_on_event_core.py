"""The catalogue's audit rows move onto the event core (cchc.core.events.EventLog), like
every other log: a sequence per procedure, the hash chain, append-only in the database, the
shared read-only admin. The rows already written are numbered per procedure in the order
they were written and chained; a row whose procedure link was lost is linked again by its
code (procedures are never deleted: they are withdrawn)."""

import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

from cchc.core import events


LOG = events.LogShape("procedure", ("procedure_code",))


def number_and_chain(apps, schema_editor):
    Change = apps.get_model("catalogue", "CatalogueChange")
    Procedure = apps.get_model("catalogue", "Procedure")
    for row in Change.objects.filter(procedure__isnull=True):
        procedure = Procedure.objects.filter(code=row.procedure_code).first()
        if procedure is None:
            raise RuntimeError(
                f"catalogue change {row.pk} names procedure {row.procedure_code}, which no "
                "longer exists: restore the procedure before migrating"
            )
        Change.objects.filter(pk=row.pk).update(procedure=procedure)
    seq, head, rows = {}, {}, []
    for row in Change.objects.order_by("procedure_id", "at", "pk"):
        seq[row.procedure_id] = seq.get(row.procedure_id, 0) + 1
        row.seq = seq[row.procedure_id]
        values = {name: getattr(row, name) for name in ("procedure_id", *events.CHAINED)}
        values["procedure_code"] = row.procedure_code
        row.hash = events.row_hash(LOG, head.get(row.procedure_id, ""), values)
        head[row.procedure_id] = row.hash
        rows.append(row)
    Change.objects.bulk_update(rows, ["seq", "hash"], batch_size=2000)


class Migration(migrations.Migration):
    dependencies = [
        ("catalogue", "0003_requireddocument_template_file"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameField("cataloguechange", "changes", "data"),
        migrations.AlterField(
            model_name="cataloguechange",
            name="data",
            field=models.JSONField(blank=True, default=dict, verbose_name="data"),
        ),
        migrations.AddField(
            model_name="cataloguechange",
            name="hash",
            field=models.CharField(
                blank=True, default="", editable=False, max_length=64, verbose_name="hash"
            ),
        ),
        migrations.AddField(
            model_name="cataloguechange",
            name="recorded_at",
            field=models.DateTimeField(
                default=django.utils.timezone.now, verbose_name="recorded at"
            ),
        ),
        migrations.AddField(
            model_name="cataloguechange",
            name="seq",
            field=models.PositiveIntegerField(default=0, verbose_name="sequence"),
            preserve_default=False,
        ),
        migrations.RunPython(number_and_chain, migrations.RunPython.noop),
    ]
