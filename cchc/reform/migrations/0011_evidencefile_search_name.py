"""The evidence files' names folded for the sheet's search of a unit's uploaded files ("ke
hoach" finds "Kế hoạch.pdf"), filled for the files already uploaded."""

from django.db import migrations

import cchc.core.text


def fill(apps, schema_editor):
    # a few hundred files a unit: one short update each, in a one-off migration
    EvidenceFile = apps.get_model("reform", "EvidenceFile")
    for pk, name in EvidenceFile.objects.values_list("pk", "name").iterator():
        EvidenceFile.objects.filter(pk=pk).update(search_name=cchc.core.text.fold(name))


class Migration(migrations.Migration):
    dependencies = [
        ("reform", "0010_answer_due"),
    ]

    operations = [
        migrations.AddField(
            model_name="evidencefile",
            name="search_name",
            field=cchc.core.text.FoldedTextField(sources=("name",)),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
    ]
