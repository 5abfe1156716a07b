"""django-axes kept the name typed at sign-in (for a citizen an e-mail or a phone number) in
clear in its attempt, access and failure logs. From now on it stores a keyed hash
(settings.AXES_USERNAME_CALLABLE); this migration replaces the clear names already stored by
the same hash, so the running counts go on where they were. Attempts that become one row
(the same account typed two ways, "+84 912…" and "0912…") are merged, their failures added.
Irreversible in effect: the backwards step leaves the hashes (the clear names are gone)."""

from django.db import migrations
from django.db.models import F


def hash_names(apps, schema_editor):
    from cchc.accounts.lockout import HASH_PREFIX, hash_typed_username

    alias = schema_editor.connection.alias
    for name in ("AccessLog", "AccessFailureLog"):
        model = apps.get_model("axes", name)
        rows = model.objects.using(alias).exclude(username__startswith=HASH_PREFIX)
        for pk, username in rows.exclude(username=None).values_list("pk", "username").iterator():
            hashed = hash_typed_username(username)
            model.objects.using(alias).filter(pk=pk).update(username=hashed or None)
    attempt = apps.get_model("axes", "AccessAttempt")
    clear = attempt.objects.using(alias).exclude(username__startswith=HASH_PREFIX)
    for row in clear.exclude(username=None).order_by("pk").iterator():
        hashed = hash_typed_username(row.username) or None
        same = attempt.objects.using(alias).filter(
            username=hashed, ip_address=row.ip_address, user_agent=row.user_agent
        )
        kept = same.first()
        if kept is None:
            attempt.objects.using(alias).filter(pk=row.pk).update(username=hashed)
            continue
        same.filter(pk=kept.pk).update(
            failures_since_start=F("failures_since_start") + row.failures_since_start,
            attempt_time=max(kept.attempt_time, row.attempt_time),
        )
        attempt.objects.using(alias).filter(pk=row.pk).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_encrypt_contact_details"),
        ("axes", "0010_accessattemptexpiration"),
    ]
    operations = [migrations.RunPython(hash_names, migrations.RunPython.noop)]
