"""Phone, e-mail and address encrypted at rest (issue 12 point 6, cchc/core/personal.py):
the columns become text holding Fernet tokens, then every existing row is encrypted with the
current key of CCHC_FIELD_KEYS and its keyed hashes filled."""

import cchc.core.personal
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('feedback', '0004_event_hash_chain'),
    ]

    operations = [
        migrations.AddField(
            model_name='petition',
            name='petitioner_email_hash',
            field=cchc.core.personal.KeyedHashField(kind='email', source='petitioner_email'),
        ),
        migrations.AddField(
            model_name='petition',
            name='petitioner_phone_hash',
            field=cchc.core.personal.KeyedHashField(kind='phone', source='petitioner_phone'),
        ),
        migrations.AlterField(
            model_name='complaint',
            name='complainant_address',
            field=cchc.core.personal.EncryptedTextField(blank=True, max_length=300, verbose_name='address'),
        ),
        migrations.AlterField(
            model_name='complaint',
            name='complainant_email',
            field=cchc.core.personal.EncryptedTextField(blank=True, max_length=254, verbose_name='e-mail'),
        ),
        migrations.AlterField(
            model_name='complaint',
            name='complainant_phone',
            field=cchc.core.personal.EncryptedTextField(blank=True, max_length=20, verbose_name='phone'),
        ),
        migrations.AlterField(
            model_name='petition',
            name='petitioner_email',
            field=cchc.core.personal.EncryptedTextField(blank=True, max_length=254, verbose_name='e-mail'),
        ),
        migrations.AlterField(
            model_name='petition',
            name='petitioner_phone',
            field=cchc.core.personal.EncryptedTextField(blank=True, max_length=20, verbose_name='phone'),
        ),
        cchc.core.personal.migration_operations('feedback', 'Petition', 'Complaint'),
    ]
