# Issue 14 (speed): one summary row per assessment, kept by the services. No backfill here: an
# assessment without a (current) summary is scored from its Score rows until its next write;
# `manage.py rebuild_par_summaries` writes them all at once.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("reform", "0004_event_hash_chain"),
    ]

    operations = [
        migrations.CreateModel(
            name="AssessmentSummary",
            fields=[
                (
                    "assessment",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="summary",
                        serialize=False,
                        to="reform.assessment",
                    ),
                ),
                ("seq", models.PositiveIntegerField()),
                ("pending", models.BooleanField()),
                ("layout", models.PositiveSmallIntegerField()),
                ("result", models.JSONField()),
            ],
        ),
    ]
