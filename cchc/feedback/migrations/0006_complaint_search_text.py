"""The complaints register's diacritics-insensitive search column ("nguyen van" finds
"Nguyễn Văn"), filled for the cases already registered."""

from django.db import migrations

import cchc.core.text

BATCH = 2000


def fill(apps, schema_editor):
    Complaint = apps.get_model("feedback", "Complaint")
    last = 0
    while True:
        rows = list(
            Complaint.objects.filter(pk__gt=last)
            .order_by("pk")
            .values_list("pk", "code", "complainant_name", "subject")[:BATCH]
        )
        if not rows:
            return
        Complaint.objects.bulk_update(
            [
                Complaint(pk=pk, search_text=cchc.core.text.fold(f"{code} {name} {subject}"))
                for pk, code, name, subject in rows
            ],
            ["search_text"],
        )
        last = rows[-1][0]


class Migration(migrations.Migration):
    dependencies = [
        ("feedback", "0005_encrypt_contact_details"),
    ]

    operations = [
        migrations.AddField(
            model_name="complaint",
            name="search_text",
            field=cchc.core.text.FoldedTextField(
                sources=("code", "complainant_name", "subject")
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
    ]
