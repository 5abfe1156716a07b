"""The retention periods of personal data as rule data (issue 12 point 6, cchc/core/retention.py).

Nghị định 13/2023/NĐ-CP keeps personal data only as long as its purpose needs it. The contact
details of a dossier serve the notices of its handling and the result; those of a petition or
a complaint its answer. After closing they still serve a complaint against the handling
(90 days, Luật Khiếu nại 2011 art. 9), an administrative lawsuit (1 year, Luật Tố tụng hành
chính 2015 art. 116) and the yearly 766 and SIPAS evaluations that re-contact applicants: two
years covers all of them. A province changes the period by adding a rule version."""

import datetime as dt

from django.db import migrations

ROW = {
    "key": "personal_data_retention",
    "version": "2026",
    "effective_from": dt.date(2023, 7, 1),  # Nghị định 13/2023/NĐ-CP in force
    "effective_to": None,
    "legal_source": "Nghị định 13/2023/NĐ-CP về bảo vệ dữ liệu cá nhân (điều 3 khoản 6, điều 16)",
    "params": {"dossier_months": 24, "petition_months": 24, "complaint_months": 24},
}


def seed(apps, schema_editor):
    RuleVersion = apps.get_model("core", "RuleVersion")
    RuleVersion.objects.update_or_create(key=ROW["key"], version=ROW["version"], defaults=ROW)


def unseed(apps, schema_editor):
    apps.get_model("core", "RuleVersion").objects.filter(key=ROW["key"]).delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0005_early_step_rule")]
    operations = [migrations.RunPython(seed, unseed)]
