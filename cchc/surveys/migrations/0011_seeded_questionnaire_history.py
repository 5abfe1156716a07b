"""The questionnaires seeded before questionnaires kept a log (surveys.0002: the default
SIPAS 2023 questionnaire) get their first row, so the builder's history starts with where
they came from instead of nothing. Hash-chained like every row of the log; a questionnaire
that already has rows is left alone."""

from django.db import migrations
from django.utils import timezone

from cchc.core import events

SEEDED_BY = "Dữ liệu gốc của nền tảng"


LOG = events.LogShape("questionnaire", ("item_code",))


def forward(apps, schema_editor):
    Questionnaire = apps.get_model("surveys", "Questionnaire")
    QuestionnaireEvent = apps.get_model("surveys", "QuestionnaireEvent")
    logged = set(QuestionnaireEvent.objects.values_list("questionnaire_id", flat=True))
    for q in Questionnaire.objects.exclude(pk__in=logged).select_related("method").order_by("pk"):
        row = {
            "questionnaire_id": q.pk,
            "seq": 1,
            "at": q.created_at or timezone.now(),
            "action": "create",
            "actor_id": None,
            "actor_label": SEEDED_BY,
            "note": "",
            "data": {
                "method": q.method.code,
                "code": q.code,
                "version": q.version,
                "title": q.title,
                "introduction": q.introduction,
            },
            "item_code": "",
        }
        QuestionnaireEvent.objects.create(**row, hash=events.row_hash(LOG, "", row))


class Migration(migrations.Migration):
    dependencies = [("surveys", "0010_questionnaire_event")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
