"""Personal data at rest and on screen (issue 12 point 6; Nghị định 13/2023/NĐ-CP on personal
data protection, art. 26: encryption and the other technical measures of the controller).

* **Encrypted columns.** `EncryptedTextField` stores a phone number, e-mail or address as a
  Fernet token (AES-128-CBC + HMAC-SHA256, the `cryptography` library) made with the first
  key of `settings.CCHC_FIELD_KEYS`; every key of the list can still read (MultiFernet), so a
  new key is put first, `manage.py rotate_field_keys` re-encrypts every row with it, and the
  old key is then removed. The database, its dumps and backups hold no clear text. A value
  the column held before encryption (not a token) is read as it is, until the data
  migration or `rotate_field_keys` has encrypted it.
* **Lookups through keyed hashes.** Tokens differ at every write, so `filter(phone=...)`
  cannot work and is refused (`FieldError`) rather than silently matching nothing. A column
  that must be searched gets a `KeyedHashField` twin: HMAC-SHA256 of the normalised value,
  keyed like the citizen ID's hash (`cchc.accounts.models.hash_national_id`), filled when the
  row is written (`pre_save`, like `FoldedTextField`), compared for equality only.
* **Masking.** `mask_phone`, `mask_email`, `mask_address`: what a viewer who does not need the
  whole value sees (receipts for someone who only proved the code, logs).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
from typing import Any, ClassVar

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.db import models
from django.db.models.lookups import Exact, IsNull

from cchc.core.db import DerivedColumn

# Every Fernet token starts with version byte 0x80 and a 64-bit timestamp whose high bytes
# are zero: base64 "gAAAAA". No phone number, e-mail or address does.
TOKEN_PREFIX = "gAAAAA"  # noqa: S105 (a format marker, not a secret)

_cache: dict[tuple[str, ...], MultiFernet] = {}


def derived_dev_key(secret_key: str) -> str:
    """A Fernet key derived from SECRET_KEY: the development default only (settings refuse
    it in production, where CCHC_FIELD_KEYS is required)."""
    digest = hashlib.sha256(b"cchc-field-key:" + secret_key.encode()).digest()
    return base64.urlsafe_b64encode(digest).decode()


def _fernet() -> MultiFernet:
    keys = tuple(getattr(settings, "CCHC_FIELD_KEYS", ()) or ())
    if not keys:
        raise ImproperlyConfigured("CCHC_FIELD_KEYS is empty: personal data cannot be stored")
    found = _cache.get(keys)
    if found is None:
        try:
            found = MultiFernet([Fernet(key.encode()) for key in keys])
        except ValueError as exc:
            raise ImproperlyConfigured(
                "CCHC_FIELD_KEYS: each key must be 32 url-safe base64-encoded bytes "
                "(python -c 'from cryptography.fernet import Fernet; "
                "print(Fernet.generate_key().decode())')"
            ) from exc
        _cache.clear()
        _cache[keys] = found
    return found


def is_token(value: str) -> bool:
    return value.startswith(TOKEN_PREFIX)


def encrypt(text: str) -> str:
    """The token of `text` under the current key; "" stays "" (an empty field is not secret,
    and blank checks keep working)."""
    if not text:
        return ""
    return _fernet().encrypt(text.encode()).decode()


def decrypt(stored: str) -> str:
    """The clear text of a stored value. A value stored before encryption is returned as is;
    a token no key can open raises `InvalidToken` (a key was removed too early)."""
    if not stored or not is_token(stored):
        return stored
    return _fernet().decrypt(stored.encode()).decode()


def reencrypt(stored: str) -> str:
    """The value encrypted with the current key (a clear legacy value is encrypted)."""
    if not stored:
        return ""
    if not is_token(stored):
        return encrypt(stored)
    return _fernet().rotate(stored.encode()).decode()


class _EmptyOnlyExact(Exact):
    """`field=""` (is it blank?) works; any other value cannot match a token: refused."""

    def get_prep_lookup(self) -> Any:
        if self.rhs not in ("", None):
            raise FieldError(
                f"{self.lhs.target.model.__name__}.{self.lhs.target.name} is encrypted: "
                "compare its keyed hash column instead"
            )
        return ""


class EncryptedTextField(models.TextField):  # type: ignore[type-arg]
    """A text column stored encrypted (see the module docstring). `max_length` bounds the
    clear text (forms, admin); the column itself is unbounded text, as tokens are longer."""

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None:
            return None
        return encrypt(str(value))

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None:
            return value
        return decrypt(value)

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name == "exact":
            return _EmptyOnlyExact
        if lookup_name == "isnull":
            return IsNull
        return None  # contains, iexact, startswith, in, ...: Django raises FieldError


class EncryptedJSONField(EncryptedTextField):
    """A JSON value (a dict of what a person typed: name, phone, e-mail, address, ...) stored
    as one Fernet token of its JSON text; read back as the Python value. "" (and a column
    never written) reads as {}. A value stored in clear JSON before encryption reads as it
    is, until the data migration or `rotate_field_keys` has encrypted it. Not searchable."""

    # the Python types django-stubs gives the attribute (a TextField's would be str)
    _pyi_private_set_type: dict[str, Any] | list[Any]  # type: ignore[assignment]
    _pyi_private_get_type: dict[str, Any]  # type: ignore[assignment]

    def get_prep_value(self, value: Any) -> Any:
        if value is None:
            return None
        return encrypt(json.dumps(value, ensure_ascii=False, sort_keys=True))

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None:
            return value
        return self.to_python(decrypt(value))

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str):
            return json.loads(value) if value.strip() else {}
        return value

    def value_to_string(self, obj: Any) -> str:
        return json.dumps(self.value_from_object(obj), ensure_ascii=False, sort_keys=True)

    def clear_db_text(self, value: Any) -> str:
        return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _clear_db_text(field: Any, value: Any) -> Any:
    """What the column held before encryption, for the reverse of the data migrations."""
    return field.clear_db_text(value) if isinstance(field, EncryptedJSONField) else value


def normalise_phone(raw: str) -> str:
    """The comparable form of a phone number as typed at the counter or on the portal:
    separators dropped and the country code +84 / 84 written as the leading 0, so
    "+84 912.345.678", "84912345678" and "0912 345 678" are equal. "" when too short to be a
    number (never matches anything)."""
    digits = re.sub(r"\D", "", raw or "")
    if (raw or "").strip().startswith("+84") or (digits.startswith("84") and len(digits) == 11):
        digits = "0" + digits[2:]
    return digits if len(digits) >= 9 else ""


def _normalised(kind: str, value: str) -> str:
    if kind == "phone":
        return normalise_phone(value)
    if kind == "email":
        return (value or "").strip().lower()
    raise ValueError(f"no keyed hash for {kind!r}")


def lookup_key() -> bytes:
    """The key of every keyed look-up hash (phone, e-mail, citizen ID, sign-in names):
    `CCHC_LOOKUP_KEY`, or `SECRET_KEY` when that is empty. A change of the key breaks every
    stored hash: pin the old value in CCHC_LOOKUP_KEY, or run `manage.py rehash_lookups`
    (which recomputes the phone and e-mail hashes; a citizen ID's cannot be, its number is
    never stored)."""
    return (getattr(settings, "CCHC_LOOKUP_KEY", "") or settings.SECRET_KEY).encode()


def lookup_hash(kind: str, value: str) -> str:
    """HMAC-SHA256 of the normalised phone number or e-mail ("" for none): equal inputs give
    equal hashes, and the value cannot be read back without the key. The kind is part of the
    message, so a phone hash never equals an e-mail hash."""
    normalised = _normalised(kind, value)
    if not normalised:
        return ""
    message = f"{kind}:{normalised}".encode()
    return hmac.new(lookup_key(), message, hashlib.sha256).hexdigest()


class KeyedHashField(DerivedColumn, models.CharField):  # type: ignore[type-arg]
    """The keyed hash of another (encrypted) field of the row, recomputed whenever the row is
    written, so no write path has to remember it."""

    column_defaults: ClassVar[dict[str, Any]] = {"max_length": 64}

    def __init__(self, *args: Any, source: str = "", kind: str = "phone", **kwargs: Any) -> None:
        self.source, self.kind = source, kind
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"], kwargs["kind"] = self.source, self.kind
        return name, path, args, kwargs

    def derive(self, model_instance: Any) -> str:
        return lookup_hash(self.kind, getattr(model_instance, self.source) or "")


def mask_phone(phone: str) -> str:
    """The first two and the last two digits: "0912345678" -> "09******78"."""
    digits = re.sub(r"\D", "", phone or "")
    if not digits:
        return ""
    if len(digits) <= 4:
        return "*" * len(digits)
    return f"{digits[:2]}{'*' * (len(digits) - 4)}{digits[-2:]}"


def mask_email(email: str) -> str:
    """The first two characters of the name and the domain: "an.nguyen@x.vn" -> "an***@x.vn"."""
    if not email:
        return ""
    if "@" not in email:
        return "***"
    name, domain = email.split("@", 1)
    return f"{name[:2]}***@{domain}"


def mask_address(address: str) -> str:
    """Only the last two parts (commune/ward, province): house and street hidden."""
    parts = [x.strip() for x in (address or "").split(",") if x.strip()]
    return ", ".join(["***", *parts[-2:]]) if parts else ""


def protected_fields(model: type[models.Model]) -> tuple[list[str], list[KeyedHashField]]:
    """The model's encrypted columns and its keyed-hash columns (works on the historical
    models of migrations too: they are built from these same field classes)."""
    fields = model._meta.get_fields()
    encrypted = [f.name for f in fields if isinstance(f, EncryptedTextField)]
    hashed = [f for f in fields if isinstance(f, KeyedHashField)]
    return encrypted, hashed


def reencrypt_rows(model: type[models.Model], *, using: str = "default", batch: int = 2000) -> int:
    """Write every non-empty encrypted value of the model again, with the current key (a clear
    legacy value gets encrypted, a token made with an older key is re-made), and recompute the
    keyed hashes. Rows are read in primary-key order, `batch` at a time, and written by one
    prepared UPDATE per row sent as a batch (`executemany`: a pipeline on psycopg 3), not by
    `bulk_update`'s CASE expressions, whose cost grows with the batch; returns the number of
    rows written. Used by the data migrations and by `manage.py rotate_field_keys`."""
    from django.db import connections

    encrypted, hashed = protected_fields(model)
    if not encrypted:
        return 0
    connection = connections[using]
    qn = connection.ops.quote_name
    fields: list[Any] = [model._meta.get_field(name) for name in encrypted]
    columns = [str(getattr(f, "column", f.name)) for f in [*fields, *hashed]]
    pk_column = str(getattr(model._meta.pk, "column", "id"))
    sql = (
        f"UPDATE {qn(model._meta.db_table)} SET "  # noqa: S608 (names from the model)
        + ", ".join(f"{qn(c)} = %s" for c in columns)
        + f" WHERE {qn(pk_column)} = %s"
    )
    manager = model._default_manager.using(using)
    written, last = 0, None
    while True:
        page = manager.order_by("pk").values_list("pk", *encrypted)
        if last is not None:
            page = page.filter(pk__gt=last)
        rows = list(page[:batch])
        if not rows:
            return written
        last = rows[-1][0]
        params = []
        for pk, *values in rows:
            if not any(values):
                continue
            clear = dict(zip(encrypted, values, strict=True))
            params.append(
                [
                    *(
                        f.get_prep_value(v) if v else ""
                        for f, v in zip(fields, values, strict=True)
                    ),
                    *(lookup_hash(f.kind, clear.get(f.source) or "") for f in hashed),
                    pk,
                ]
            )
        if params:
            with connection.cursor() as cursor:
                cursor.executemany(sql, params)
            written += len(params)


def decrypt_rows_in_place(model: type[models.Model], *, using: str = "default") -> None:
    """Write the clear text back (the reverse of the encrypting data migrations only)."""
    from django.db import connections

    encrypted, _hashed = protected_fields(model)
    connection = connections[using]
    table = connection.ops.quote_name(model._meta.db_table)
    fields: list[Any] = [model._meta.get_field(name) for name in encrypted]
    columns = [str(getattr(f, "column", f.name)) for f in fields]
    assignments = ", ".join(f"{connection.ops.quote_name(c)} = %s" for c in columns)
    sql = f"UPDATE {table} SET {assignments} WHERE {connection.ops.quote_name('id')} = %s"  # noqa: S608 (names from the model)
    with connection.cursor() as cursor:
        for row in model._default_manager.using(using).values_list("pk", *encrypted):
            clear = [_clear_db_text(f, v) for f, v in zip(fields, row[1:], strict=True)]
            cursor.execute(sql, [*clear, row[0]])


def migration_operations(app_label: str, *model_names: str) -> Any:
    """The RunPython that encrypts a model's existing rows (and fills its keyed hashes) after
    its columns became `EncryptedTextField`s; reversed, it writes the clear text back."""
    from django.db import migrations

    def forwards(apps: Any, schema_editor: Any) -> None:
        for name in model_names:
            reencrypt_rows(apps.get_model(app_label, name), using=schema_editor.connection.alias)

    def backwards(apps: Any, schema_editor: Any) -> None:
        for name in model_names:
            decrypt_rows_in_place(
                apps.get_model(app_label, name), using=schema_editor.connection.alias
            )

    return migrations.RunPython(forwards, backwards, elidable=False)
