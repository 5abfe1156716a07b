"""Accounts' e-mail and phone encrypted at rest (issue 12 point 6, cchc/core/personal.py):
the columns become text holding Fernet tokens with keyed-hash twins for sign-in and the
sign-up check; existing rows are encrypted in batches; user names that are an e-mail or a
phone number (every account made by sign-up so far) become the keyed-hash name sign-up now
gives (`accounts.models.contact_username`); their owners keep signing in with the address
(`accounts.backends.ContactBackend`)."""

import cchc.core.personal
from django.db import migrations


def rename_contact_usernames(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    using = schema_editor.connection.alias
    taken = set(User.objects.using(using).values_list("username", flat=True))
    renames = []
    for pk, username, email, phone in User.objects.using(using).values_list(
        "pk", "username", "email", "phone"
    ):
        name = username.strip()
        if "@" in name and name.lower() == (email or "").strip().lower():
            kind = "email"
        elif phone and cchc.core.personal.normalise_phone(name) and (
            cchc.core.personal.normalise_phone(name) == cchc.core.personal.normalise_phone(phone)
        ):
            kind = "phone"
        else:
            continue
        new = f"c-{cchc.core.personal.lookup_hash(kind, name)[:32]}"
        if new in taken:
            new = f"{new}-{pk}"
        taken.add(new)
        renames.append((new, pk))
    table = schema_editor.connection.ops.quote_name(User._meta.db_table)
    with schema_editor.connection.cursor() as cursor:
        cursor.executemany(f"UPDATE {table} SET username = %s WHERE id = %s", renames)  # noqa: S608


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0003_drop_token_cache'),
    ]

    operations = [
        migrations.AddField(
            model_name='user',
            name='email_hash',
            field=cchc.core.personal.KeyedHashField(db_index=True, kind='email', source='email'),
        ),
        migrations.AddField(
            model_name='user',
            name='phone_hash',
            field=cchc.core.personal.KeyedHashField(db_index=True, kind='phone', source='phone'),
        ),
        migrations.AlterField(
            model_name='user',
            name='email',
            field=cchc.core.personal.EncryptedTextField(blank=True, max_length=254, verbose_name='email address'),
        ),
        migrations.AlterField(
            model_name='user',
            name='phone',
            field=cchc.core.personal.EncryptedTextField(blank=True, max_length=20, verbose_name='phone'),
        ),
        cchc.core.personal.migration_operations('accounts', 'User'),
        # not reversed: the old user names are not kept (they were the addresses)
        migrations.RunPython(rename_contact_usernames, migrations.RunPython.noop, elidable=False),
    ]
