# The closed-period log (0011) and the hash chain of every event log (core.events, issue 12
# point 7) were built side by side: this gives the period log its chain like the others.

from django.db import migrations, models

from cchc.core import events


class Migration(migrations.Migration):
    dependencies = [
        ("indices", "0011_closed_periods_frozen_counters_and_events"),
    ]

    operations = [
        migrations.AddField(
            model_name="periodreportevent",
            name="hash",
            field=models.CharField(
                blank=True, default="", editable=False, max_length=64, verbose_name="hash"
            ),
        ),
        events.chain_hashes("indices", "PeriodReportEvent", "report", ()),
        # SQLite rebuilt the table for the new column, which dropped its trigger.
        events.append_only_triggers(
            "indices_periodreportevent", "closed period events", vendors=("sqlite",)
        ),
    ]
