"""A procedure is found by the numbers of the decisions that published and amended it: the
amending decisions' numbers, so far only in the log, are kept on the procedure, and the
search text of every procedure is computed again with them and its publication decision."""

from django.db import migrations, models

from cchc.catalogue.models import procedure_search_text

BATCH = 500


def fill(apps, schema_editor):
    Procedure = apps.get_model("catalogue", "Procedure")
    CatalogueChange = apps.get_model("catalogue", "CatalogueChange")
    amending: dict[int, list[str]] = {}
    rows = (
        CatalogueChange.objects.filter(action="update")
        .order_by("procedure_id", "seq")
        .values_list("procedure_id", "data")
    )
    for procedure_id, data in rows.iterator():
        decision = (data or {}).get("decision")
        number = decision.get("number") if isinstance(decision, dict) else None
        if number and number not in amending.setdefault(procedure_id, []):
            amending[procedure_id].append(number)
    batch = []
    for proc in Procedure.objects.select_related("field").iterator():
        proc.amending_decisions = " ".join(amending.get(proc.pk, []))
        proc.search_text = procedure_search_text(
            proc.code,
            proc.name,
            proc.field.name if proc.field_id else "",
            proc.publication_decision,
            proc.amending_decisions,
        )
        batch.append(proc)
        if len(batch) >= BATCH:
            Procedure.objects.bulk_update(batch, ["amending_decisions", "search_text"])
            batch = []
    Procedure.objects.bulk_update(batch, ["amending_decisions", "search_text"])


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0005_catalogue_change_constraints")]

    operations = [
        migrations.AddField(
            model_name="procedure",
            name="amending_decisions",
            field=models.TextField(
                blank=True, default="", editable=False, verbose_name="amending decisions"
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
    ]
