"""Anchors of the event chains' heads (issue 12 point 7, cchc/core/anchors.py): two
append-only tables; the application role may insert rows but neither update nor delete them
(the triggers below, and grant_app_role's grants)."""

import django.db.models.deletion
from django.db import migrations, models

from cchc.core import events


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0007_calendar_exception_document'),
    ]

    operations = [
        migrations.CreateModel(
            name='ChainAnchor',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('model', models.CharField(max_length=100, verbose_name='event log')),
                ('taken_at', models.DateTimeField(verbose_name='taken at')),
                ('chains', models.PositiveIntegerField(verbose_name='chains')),
                ('rows', models.PositiveBigIntegerField(verbose_name='rows')),
                ('digest', models.CharField(max_length=64, verbose_name='digest of the heads')),
                ('previous', models.CharField(blank=True, max_length=64, verbose_name="previous anchor's hash")),
                ('hash', models.CharField(max_length=64, verbose_name='hash')),
            ],
            options={
                'verbose_name': 'chain anchor',
                'verbose_name_plural': 'chain anchors',
                'indexes': [models.Index(fields=['model', 'id'], name='chain_anchor_model_idx')],
            },
        ),
        migrations.CreateModel(
            name='ChainAnchorHead',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('subject', models.CharField(max_length=64, verbose_name='subject')),
                ('seq', models.PositiveIntegerField(verbose_name='sequence')),
                ('hash', models.CharField(max_length=64, verbose_name='hash')),
                ('anchor', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='heads', to='core.chainanchor')),
            ],
            options={
                'verbose_name': 'anchored chain head',
                'verbose_name_plural': 'anchored chain heads',
            },
        ),
        events.append_only_triggers("core_chainanchor", "chain anchors"),
        events.append_only_triggers("core_chainanchorhead", "anchored chain heads"),
    ]
