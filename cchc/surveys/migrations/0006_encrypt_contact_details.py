"""The sampled people's phone, e-mail and address encrypted at rest (issue 12 point 6),
existing rows encrypted with the current key of CCHC_FIELD_KEYS."""

import cchc.core.personal
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('surveys', '0005_event_hash_chain'),
    ]

    operations = [
        migrations.AlterField(
            model_name='sampledperson',
            name='address',
            field=cchc.core.personal.EncryptedTextField(blank=True, max_length=300, verbose_name='address'),
        ),
        migrations.AlterField(
            model_name='sampledperson',
            name='email',
            field=cchc.core.personal.EncryptedTextField(blank=True, max_length=254, verbose_name='e-mail'),
        ),
        migrations.AlterField(
            model_name='sampledperson',
            name='phone',
            field=cchc.core.personal.EncryptedTextField(blank=True, max_length=20, verbose_name='phone'),
        ),
        cchc.core.personal.migration_operations('surveys', 'SampledPerson'),
    ]
