"""The questionnaire list's diacritics-insensitive search column ("khao sat" finds "Khảo
sát"), filled for the questionnaires already stored."""

from django.db import migrations

import cchc.core.text


def fill(apps, schema_editor):  # type: ignore[no-untyped-def]
    model = apps.get_model("surveys", "Questionnaire")
    rows = list(model.objects.values("pk", "code", "title"))
    model.objects.bulk_update(
        [
            model(pk=r["pk"], search_text=cchc.core.text.fold(f"{r['code']} {r['title']}"))
            for r in rows
        ],
        ["search_text"],
        batch_size=500,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("surveys", "0014_prepared_answers_files"),
    ]

    operations = [
        migrations.AddField(
            model_name="questionnaire",
            name="search_text",
            field=cchc.core.text.FoldedTextField(sources=("code", "title")),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
    ]
