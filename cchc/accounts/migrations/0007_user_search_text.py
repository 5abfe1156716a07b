"""The staff list's diacritics-insensitive search column ("nguyen" finds "Nguyễn"), filled
for the accounts already stored."""

from django.db import migrations

import cchc.core.text

BATCH = 2000


def fill(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    last = 0
    while True:
        rows = list(
            User.objects.filter(pk__gt=last)
            .order_by("pk")
            .values_list("pk", "username", "full_name")[:BATCH]
        )
        if not rows:
            return
        User.objects.bulk_update(
            [
                User(pk=pk, search_text=cchc.core.text.fold(f"{username} {full_name}"))
                for pk, username, full_name in rows
            ],
            ["search_text"],
        )
        last = rows[-1][0]


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0006_account_events"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="search_text",
            field=cchc.core.text.FoldedTextField(sources=("username", "full_name")),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
    ]
