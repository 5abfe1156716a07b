"""The work queues' diacritics-insensitive search column (issue 16, point 7), filled for the
dossiers already stored."""

from django.db import migrations

import cchc.core.text

BATCH = 2000


def fill(apps, schema_editor):
    Dossier = apps.get_model("dossiers", "Dossier")
    last = 0
    while True:
        rows = list(
            Dossier.objects.filter(pk__gt=last)
            .order_by("pk")
            .values_list("pk", "code", "applicant_name")[:BATCH]
        )
        if not rows:
            return
        Dossier.objects.bulk_update(
            [
                Dossier(pk=pk, search_text=cchc.core.text.fold(f"{code} {name}"))
                for pk, code, name in rows
            ],
            ["search_text"],
        )
        last = rows[-1][0]


class Migration(migrations.Migration):
    dependencies = [
        ("dossiers", "0008_event_hash_chain"),
    ]

    operations = [
        migrations.AddField(
            model_name="dossier",
            name="search_text",
            field=cchc.core.text.FoldedTextField(sources=("code", "applicant_name")),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
    ]
