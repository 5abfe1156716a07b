"""The applicant's ID hash is only ever compared for equality (the staff search by citizen ID,
the portal's document check): one plain index instead of db_index's two on PostgreSQL (the
second, varchar_pattern_ops, serves LIKE prefixes nobody asks for, and every insert and
status change had to maintain it)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("dossiers", "0004_last_event_seq"),
    ]

    operations = [
        migrations.AlterField(
            model_name="dossier",
            name="applicant_id_hash",
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.AddIndex(
            model_name="dossier",
            index=models.Index(fields=["applicant_id_hash"], name="dossier_applicant_idx"),
        ),
    ]
