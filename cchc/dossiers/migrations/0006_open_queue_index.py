"""The work queues read open dossiers at the user's agencies, soonest due first: a partial
index of open dossiers only, in that order (docs/performance.md, session 5)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("dossiers", "0005_applicant_hash_plain_index"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="dossier",
            index=models.Index(condition=models.Q(("status__in", (1, 2, 4, 5, 6))), fields=["current_agency", "due_at", "id"],
                               name="dossier_open_queue_idx"),
        ),
    ]
