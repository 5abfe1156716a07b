"""Staff accounts from a spreadsheet: a province opening the platform has hundreds of clerks,
specialists and leaders to enrol, and typing them one by one is not an option.

`staff.csv` (UTF-8, as Excel's "CSV UTF-8" saves it; commas, or semicolons where the
spreadsheet's list separator is one):

    username,full_name,email,phone,agency_code,role

- `role`: CLERK, SPECIALIST, LEADER or AGENCY_ADMIN, or its Vietnamese name as the pages show
  it ("Cán bộ một cửa");
- a person with several roles has one line per role (the same user name, the same details).

Every line is checked first, with the same form and the same messages as the page that adds
one account; a file with a refused line writes nothing, so it is fixed and loaded again
whole. Each account is then created through `services.add_staff` (permission, event, the
link to set a password) and each further role through `services.grant_role`; a line whose
account already has that role is left unchanged, so the same file can be loaded twice.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models.functions import Lower
from django.utils import translation
from django.utils.translation import gettext as _

from cchc.accounts import services
from cchc.accounts.forms import StaffForm
from cchc.accounts.models import Membership, User
from cchc.core.personal import lookup_hash

FILE_NAME = "staff.csv"
COLUMNS = ("username", "full_name", "email", "phone", "agency_code", "role")
MAX_LINES = 5000
MAX_BYTES = 2 * 1024 * 1024
# the form's field for each column (its errors are reported under the column's name)
FIELD_COLUMN = {"agency": "agency_code"}


@dataclass
class LineError:
    line: int
    column: str
    message: str


@dataclass
class Plan:
    """What a file would do (`check`) or did (`load`)."""

    new_accounts: list[dict[str, Any]] = field(default_factory=list)
    new_roles: list[dict[str, Any]] = field(default_factory=list)
    unchanged: int = 0
    errors: list[LineError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def changes(self) -> list[dict[str, Any]]:
        """The new accounts and the roles added, in the order of the file's lines (as the
        person who wrote it checks them), each with its line number."""
        return sorted([*self.new_accounts, *self.new_roles], key=lambda entry: entry["line"])

    def summary(self) -> str:
        return (
            f"{FILE_NAME}: {len(self.new_accounts)} accounts created, "
            f"{len(self.new_roles)} roles granted, {self.unchanged} unchanged, "
            f"{len(self.errors)} errors"
        )


def decode(content: bytes) -> str:
    if len(content) > MAX_BYTES:
        raise ValueError(_("The file is larger than 2 MB: split it."))
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValueError(
            _('The file is not UTF-8 text: in Excel, save it as "CSV UTF-8 (Comma delimited)".')
        ) from None


def _rows(text: str) -> tuple[list[tuple[int, dict[str, str]]], list[LineError]]:
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = [h.strip().lower() for h in next(reader, [])]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        message = _("The first line must name the columns; missing: %(cols)s.") % {
            "cols": ", ".join(missing)
        }
        return [], [LineError(1, "", message)]
    rows: list[tuple[int, dict[str, str]]] = []
    errors: list[LineError] = []
    start = reader.line_num + 1
    for cells in reader:
        line, start = start, reader.line_num + 1
        if not any(c.strip() for c in cells):
            continue
        if len(rows) + len(errors) >= MAX_LINES:
            errors.append(
                LineError(line, "", _("At most %(n)s lines in one file.") % {"n": MAX_LINES})
            )
            break
        if len(cells) != len(header):
            errors.append(
                LineError(
                    line,
                    "",
                    _("The line has %(got)s columns, the first line %(want)s.")
                    % {"got": len(cells), "want": len(header)},
                )
            )
            continue
        rows.append((line, {h: c.strip() for h, c in zip(header, cells, strict=True)}))
    return rows, errors


def _role_code(text: str) -> str:
    """A role by its code or by its name in Vietnamese or English, in any case."""
    wanted = text.strip().casefold()
    for value, label in Membership.Role.choices:
        with translation.override("vi"):
            vietnamese = str(label)
        with translation.override("en"):
            english = str(label)
        if wanted in (value.casefold(), vietnamese.casefold(), english.casefold()):
            return value
    return text


def check(actor: Any, text: str) -> Plan:
    """What loading `text` would do, every refused line with its reason."""
    rows, errors = _rows(text)
    plan = Plan(errors=errors)
    agencies = services.manageable_agencies(actor)
    by_code = {a.code: a for a in agencies}
    names = {row["username"].casefold() for _line, row in rows}
    existing = {
        u.username.casefold(): u
        for u in User.objects.annotate(folded=Lower("username")).filter(folded__in=names)
    }
    held = {
        (m.user_id, m.agency_id, m.role)
        for m in Membership.objects.filter(user__in=list(existing.values()))
    }
    first_line: dict[str, tuple[int, dict[str, str]]] = {}
    planned: set[tuple[str, int, str]] = set()
    contact_lines: dict[tuple[str, str], int] = {}  # (column, keyed hash) -> first line
    for line, row in rows:
        agency = by_code.get(row["agency_code"])
        data = {**row, "agency": agency.pk if agency else "", "role": _role_code(row["role"])}
        form = StaffForm(data, agencies=agencies)
        if not form.is_valid():
            for name, messages in form.errors.items():
                column = FIELD_COLUMN.get(name, name) if name != "__all__" else ""
                if name == "agency" and row["agency_code"] and agency is None:
                    messages = [
                        _("Agency %(code)s is not one whose staff you manage.")
                        % {"code": row["agency_code"]}
                    ]
                plan.errors.extend(LineError(line, column, str(m)) for m in messages)
            continue
        d = form.cleaned_data
        key = d["username"].casefold()
        entry = {
            "line": line,
            "username": d["username"],
            "full_name": d["full_name"],
            "email": d["email"],
            "phone": d["phone"],
            "agency": d["agency"],
            "role": d["role"],
            "role_label": Membership.Role(d["role"]).label,
        }
        if (key, d["agency"].pk, d["role"]) in planned:
            plan.errors.append(
                LineError(line, "role", _("The same account, agency and role twice in the file."))
            )
            continue
        planned.add((key, d["agency"].pk, d["role"]))
        user = existing.get(key)
        if user is not None:
            if (
                user.kind != User.Kind.STAFF
                or user.is_superuser
                or not services.manages_account(actor, user)
            ):
                plan.errors.append(LineError(line, "username", _("This user name is taken.")))
            elif (user.pk, d["agency"].pk, d["role"]) in held:
                plan.unchanged += 1
            else:
                plan.new_roles.append({**entry, "user": user})
            continue
        if key in first_line:
            earlier_line, earlier = first_line[key]
            if any(earlier[c] != row[c] for c in ("full_name", "email", "phone")):
                plan.errors.append(
                    LineError(
                        line,
                        "username",
                        _("Line %(line)s gives this user name other details.")
                        % {"line": earlier_line},
                    )
                )
            else:
                plan.new_roles.append(entry)
            continue
        refused = services.contact_refusals(email=d["email"], phone=d["phone"])
        for column, message in refused.items():
            plan.errors.append(LineError(line, column, message))
        # two new accounts of one file with the same e-mail or phone: neither could sign in
        for column in ("email", "phone"):
            digest = lookup_hash(column, d[column])
            earlier_line = contact_lines.get((column, digest)) if digest else None
            if earlier_line is not None and column not in refused:
                refused[column] = message = (
                    _("Line %(line)s gives this e-mail to another account.")
                    if column == "email"
                    else _("Line %(line)s gives this phone number to another account.")
                ) % {"line": earlier_line}
                plan.errors.append(LineError(line, column, message))
            elif digest:
                contact_lines.setdefault((column, digest), line)
        first_line[key] = (line, row)
        if refused:
            continue
        plan.new_accounts.append(entry)
    plan.errors.sort(key=lambda e: e.line)
    return plan


def load(actor: Any, text: str) -> Plan:
    """Check the file, then, if no line is refused, create its accounts and roles in one
    transaction (each through the services: permission, event, invitation)."""
    plan = check(actor, text)
    if not plan.ok:
        return plan
    with transaction.atomic():
        created: dict[str, User] = {}
        for entry in plan.new_accounts:
            created[entry["username"].casefold()] = services.add_staff(
                actor=actor,
                username=entry["username"],
                full_name=entry["full_name"],
                agency=entry["agency"],
                role=entry["role"],
                email=entry["email"],
                phone=entry["phone"],
            )
        for entry in plan.new_roles:
            user = entry.get("user") or created[entry["username"].casefold()]
            services.grant_role(actor=actor, user=user, agency=entry["agency"], role=entry["role"])
    return plan
