"""One working citizen's or organisation's account per e-mail and per phone (see User.Meta).

Before the constraints, a check that the data allows them: two working citizens' accounts
with one address cannot be told apart by the sign-in anyway; the migration stops and says
how many there are rather than choosing which account keeps the address (an office decides,
e.g. by clearing the address of the account that did not confirm it).
"""

from django.db import migrations, models
from django.db.models import Count


def refuse_shared_addresses(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    working = User.objects.filter(is_active=True, kind="CITIZEN")
    shared = {}
    for column in ("email_hash", "phone_hash"):
        rows = (
            working.exclude(**{column: ""})
            .order_by()
            .values(column)
            .annotate(n=Count("pk"))
            .filter(n__gt=1)
        )
        if rows:
            shared[column] = [
                sorted(working.filter(**{column: row[column]}).values_list("pk", flat=True))
                for row in rows
            ]
    if shared:
        raise RuntimeError(
            "accounts.0010: working citizens' accounts share an e-mail or phone (account ids "
            f"by address, no address shown): {shared}. Clear or correct the address of all "
            "but one account of each group (Django admin), then migrate again."
        )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0009_organisation_accounts"),
    ]

    operations = [
        migrations.RunPython(refuse_shared_addresses, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="user",
            constraint=models.UniqueConstraint(
                condition=models.Q(
                    ("is_active", True),
                    ("kind", "CITIZEN"),
                    models.Q(("email_hash", ""), _negated=True),
                ),
                fields=("email_hash",),
                name="uniq_active_citizen_email",
            ),
        ),
        migrations.AddConstraint(
            model_name="user",
            constraint=models.UniqueConstraint(
                condition=models.Q(
                    ("is_active", True),
                    ("kind", "CITIZEN"),
                    models.Q(("phone_hash", ""), _negated=True),
                ),
                fields=("phone_hash",),
                name="uniq_active_citizen_phone",
            ),
        ),
    ]
