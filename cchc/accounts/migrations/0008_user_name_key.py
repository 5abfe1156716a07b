"""Names in Vietnamese alphabetical order (cchc/core/collation.py): the sort key column,
filled for the accounts already stored."""

from django.db import migrations

import cchc.core.collation

BATCH = 2000


def fill(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    key = cchc.core.collation.vietnamese_sort_key
    last = 0
    while True:
        rows = list(
            User.objects.filter(pk__gt=last).order_by("pk").values_list("pk", "full_name")[:BATCH]
        )
        if not rows:
            return
        User.objects.bulk_update(
            [User(pk=pk, name_key=key(full_name)) for pk, full_name in rows], ["name_key"]
        )
        last = rows[-1][0]


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0007_user_search_text"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="name_key",
            field=cchc.core.collation.VietnameseSortKeyField(source="full_name"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
    ]
