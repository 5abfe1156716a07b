"""The rule data of the petition deadline reminders (`petition_reminder` rule version): the
staff handling a petition are told 3 and 1 working days before its answer deadline, and once
when it is overdue. A province changes the steps by adding a version, never by editing code."""

import datetime as dt

from django.db import migrations

KEY, VERSION = "petition_reminder", "2026"

FIRST_VERSION = {
    # as early as the `petition` rule, so every petition it governs is reminded
    "effective_from": dt.date(2017, 8, 1),
    "legal_source": (
        "Nghị định 20/2008/NĐ-CP (sửa đổi bởi Nghị định 92/2017/NĐ-CP): trả lời trong 15 ngày "
        "làm việc; chỉ số 766 đo tỷ lệ đúng hạn; nhắc trước 3 và 1 ngày làm việc và khi quá hạn "
        "(quy chế nội bộ)"
    ),
    "params": {"before_working_days": [3, 1], "when_overdue": True},
}


def seed(apps, schema_editor):
    rules = apps.get_model("core", "RuleVersion").objects
    rules.get_or_create(key=KEY, version=VERSION, defaults=FIRST_VERSION)


def unseed(apps, schema_editor):
    apps.get_model("core", "RuleVersion").objects.filter(key=KEY, version=VERSION).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0012_code_counter"),
        ("feedback", "0009_code_counter_to_core"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
