"""Payment group: total = sum of the metric scores each rounded to 2 decimals, as in every other
group (domain.md §5). Both ways reproduce all 492 official payment rows within 0.015."""

from django.db import migrations


def forward(apps, schema_editor):
    Group = apps.get_model("indices", "Group")
    Group.objects.filter(version__scheme__code="qd766", version__version="2022.1", code="payment").update(round_metrics=True)


def backward(apps, schema_editor):
    Group = apps.get_model("indices", "Group")
    Group.objects.filter(version__scheme__code="qd766", version__version="2022.1", code="payment").update(round_metrics=False)


class Migration(migrations.Migration):
    dependencies = [("indices", "0003_derived_facts_without_fk_triggers")]
    operations = [migrations.RunPython(forward, backward)]
