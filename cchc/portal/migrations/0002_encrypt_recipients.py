"""The notification outbox's recipients and errors, and the addresses one-time codes were
sent to, encrypted at rest (issue 12 point 6, cchc/core/personal.py): the columns become text
holding Fernet tokens, then every existing row is encrypted in batches (executemany)."""

import cchc.core.personal
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('portal', '0001_initial'),
    ]

    operations = [
        migrations.AlterField(
            model_name='notification',
            name='last_error',
            field=cchc.core.personal.EncryptedTextField(blank=True, verbose_name='last error'),
        ),
        migrations.AlterField(
            model_name='notification',
            name='recipient',
            field=cchc.core.personal.EncryptedTextField(max_length=254, verbose_name='recipient'),
        ),
        migrations.AlterField(
            model_name='verificationcode',
            name='destination',
            field=cchc.core.personal.EncryptedTextField(max_length=254, verbose_name='sent to'),
        ),
        cchc.core.personal.migration_operations('portal', 'Notification', 'VerificationCode'),
    ]
