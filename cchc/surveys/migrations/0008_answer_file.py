"""Files given to file questions are recorded as they are stored, so that uploads never
attached to a submitted response can be cleaned up (files.clean_orphan_files)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("surveys", "0007_method_effective_date"),
    ]

    operations = [
        migrations.CreateModel(
            name="AnswerFile",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(max_length=200, unique=True, verbose_name="stored name")),
                ("sha256", models.CharField(max_length=64)),
                ("content_type", models.CharField(max_length=100)),
                ("size", models.PositiveBigIntegerField(default=0)),
                ("uploaded_at", models.DateTimeField(db_index=True, verbose_name="uploaded at")),
            ],
            options={
                "verbose_name": "answer file",
                "verbose_name_plural": "answer files",
            },
        ),
    ]
