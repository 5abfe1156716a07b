"""The rule versions in force: one-stop rules before and after 1 July 2025."""

import datetime as dt

from django.db import migrations

WORKING_HOURS = [["08:00", "12:00"], ["13:00", "17:00"]]

RULES = [
    {
        "key": "one_stop", "version": "2018", "effective_from": dt.date(2018, 7, 1),
        "effective_to": dt.date(2025, 6, 30),
        "legal_source": "Nghị định 61/2018/NĐ-CP, Nghị định 107/2021/NĐ-CP, Thông tư 01/2018/TT-VPCP",
        "params": {"working_hours": WORKING_HOURS, "cutoff": "15:00", "hours_per_day": 8,
                   "form_set": "TT01-2018", "forms": ["01", "02", "03", "04", "06", "07"],
                   "dossier_code_format": "{agency}-{date:%y%m%d}-{seq:04d}",
                   "max_supplement_requests": 1, "on_time_against": "initial_appointment"},
    },
    {
        "key": "one_stop", "version": "2025", "effective_from": dt.date(2025, 7, 1), "effective_to": None,
        "legal_source": "Nghị định 118/2025/NĐ-CP (sửa đổi bởi Nghị định 367/2025/NĐ-CP), Thông tư 03/2025/TT-VPCP",
        "params": {"working_hours": WORKING_HOURS, "cutoff": "15:00", "hours_per_day": 8,
                   "form_set": "TT03-2025", "forms": ["01", "02", "03", "04", "05", "06", "07"],
                   "dossier_code_format": "{agency}-{date:%y%m%d}-{seq:04d}",
                   "max_supplement_requests": 1, "on_time_against": "initial_appointment"},
    },
    {
        "key": "petition", "version": "2017", "effective_from": dt.date(2017, 8, 1), "effective_to": None,
        "legal_source": "Nghị định 20/2008/NĐ-CP (sửa đổi bởi Nghị định 92/2017/NĐ-CP); chỉ số 766",
        "params": {"reject_days": 2, "request_info_days": 5, "handle_days": 15, "publish_days": 2,
                   "working_hours": WORKING_HOURS, "cutoff": "15:00", "hours_per_day": 8},
    },
]


def seed(apps, schema_editor):
    RuleVersion = apps.get_model("core", "RuleVersion")
    for row in RULES:
        RuleVersion.objects.update_or_create(key=row["key"], version=row["version"], defaults=row)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
