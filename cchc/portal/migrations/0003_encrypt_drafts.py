"""Online drafts encrypted at rest (issue 12 point 6, cchc/core/personal.py): a draft's data is
what the citizen typed (name, phone, e-mail, address, the request), so the column becomes text
holding one Fernet token of its JSON, and every existing draft is encrypted (executemany in
batches, like the outbox's). Reversed, the clear JSON is written back and the column is jsonb
again."""

from django.db import migrations

import cchc.core.personal


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0002_encrypt_recipients"),
    ]

    operations = [
        migrations.AlterField(
            model_name="draft",
            name="data",
            field=cchc.core.personal.EncryptedJSONField(
                blank=True, default=dict, verbose_name="entered data"
            ),
        ),
        cchc.core.personal.migration_operations("portal", "Draft"),
    ]
