"""The plan list's and the inspection list's diacritics-insensitive search columns ("ke hoach"
finds "Kế hoạch"), filled for the plans and inspections already stored."""

from django.db import migrations

import cchc.core.text

BATCH = 2000


def _fill(model, sources):  # type: ignore[no-untyped-def]
    last = 0
    while True:
        rows = list(model.objects.filter(pk__gt=last).order_by("pk").values("pk", *sources)[:BATCH])
        if not rows:
            return
        model.objects.bulk_update(
            [
                model(
                    pk=row["pk"],
                    search_text=cchc.core.text.fold(" ".join(str(row[s] or "") for s in sources)),
                )
                for row in rows
            ],
            ["search_text"],
        )
        last = rows[-1]["pk"]


def fill(apps, schema_editor):  # type: ignore[no-untyped-def]
    _fill(apps.get_model("plans", "Plan"), ("code", "title", "issuing_document"))
    _fill(apps.get_model("plans", "Inspection"), ("code", "conclusion"))


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0005_entered_by"),
    ]

    operations = [
        migrations.AddField(
            model_name="inspection",
            name="search_text",
            field=cchc.core.text.FoldedTextField(sources=("code", "conclusion")),
        ),
        migrations.AddField(
            model_name="plan",
            name="search_text",
            field=cchc.core.text.FoldedTextField(sources=("code", "title", "issuing_document")),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
    ]
