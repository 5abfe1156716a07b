"""A rule version's parameters as form fields, and back.

A new version starts from the parameters of the latest version of the same rule: every
parameter a person can sensibly change (numbers of days, hours, the cut-off, the working
hours, the units of a legal time limit, reminder offsets) becomes a typed field; the others
(form sets, code formats, the emulation scheme's tree) are carried over unchanged, so a
version made here is complete for every module that reads it. Nested parameters (the
complaint rule's `complaint.settle_days`) are addressed by dotted paths.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

TIME_RE = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
UNITS = [("calendar_day", _("calendar days")), ("working_day", _("working days"))]
# Coded values a parameter may hold, as a person reads them.
VALUE_NAMES: dict[str, Promise] = {
    **dict(UNITS),
    "initial_appointment": _("the first appointment date"),
}

# What each rule is called on the screens (the key is the code modules read it by).
RULE_NAMES: dict[str, Promise] = {
    "one_stop": _("One-stop dossier rules"),
    "petition": _("Feedback and petition handling"),
    "complaint": _("Complaints and denunciations"),
    "plans": _("Reform tasks and inspections"),
    "personal_data_retention": _("Retention of personal data"),
}

# Labels of the parameters the province's rules hold today (seeded by the migrations of
# core, feedback and plans); a parameter without a label shows its path.
LABELS: dict[str, Promise] = {
    "working_hours": _("Working hours"),
    "cutoff": _("Cut-off time (received later counts from the next working day)"),
    "hours_per_day": _("Working hours per day"),
    "max_supplement_requests": _("Supplement requests allowed per dossier"),
    "early_step_working_seconds": _("Early step: working seconds to spare"),
    "reject_days": _("Petition: days to refuse"),
    "request_info_days": _("Petition: days to request information"),
    "handle_days": _("Petition: days to handle"),
    "publish_days": _("Petition: days to publish the answer"),
    "complaint.accept_days": _("Complaint: days to accept"),
    "complaint.accept_unit": _("Complaint: unit of the acceptance time"),
    "complaint.settle_days": _("Complaint: days to settle"),
    "complaint.settle_days_complex": _("Complaint: days to settle (complicated)"),
    "complaint.settle_days_remote": _("Complaint: days to settle (remote area)"),
    "complaint.settle_days_remote_complex": _(
        "Complaint: days to settle (remote area, complicated)"
    ),
    "complaint.settle_unit": _("Complaint: unit of the settlement time"),
    "denunciation.accept_days": _("Denunciation: days to accept"),
    "denunciation.accept_unit": _("Denunciation: unit of the acceptance time"),
    "denunciation.settle_days": _("Denunciation: days to settle"),
    "denunciation.settle_unit": _("Denunciation: unit of the settlement time"),
    "denunciation.extension_days": _("Denunciation: days of one extension"),
    "reminder_days": _("Task reminders: days before the deadline"),
    "remediation_days": _("Findings: days to remedy"),
    "remediation_max_days": _("Findings: longest remediation period (days)"),
    "dossier_months": _("Dossiers: months to keep personal data"),
    "petition_months": _("Petitions: months to keep personal data"),
    "complaint_months": _("Complaints: months to keep personal data"),
    "notification_months": _("Notifications: months to keep"),
    "form_set": _("Set of official forms"),
    "forms": _("Official forms in use"),
    "dossier_code_format": _("Dossier code format"),
    "on_time_against": _("On time measured against"),
    "emulation_counts_parent_tasks": _("Emulation counts parent tasks"),
    "emulation": _("Emulation scoring scheme"),
}


def rule_name(key: str) -> str:
    """The rule's name on the screens; a rule without a name shows its code."""
    return str(RULE_NAMES.get(key, key))


def show(value: Any) -> str:
    """A parameter's value as a person reads it."""
    if value is None:
        return str(_("none"))
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if (
        isinstance(value, list)
        and value
        and all(isinstance(v, list) and len(v) == 2 for v in value)
    ):
        return ", ".join(f"{a}-{b}" for a, b in value)
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, dict):
        return str(_("(a scheme, unchanged here)"))
    if isinstance(value, str) and value in VALUE_NAMES:
        return str(VALUE_NAMES[value])
    return str(value)


def changes(old: dict[str, Any] | None, new: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(label, old value, new value) of every parameter that differs between two versions'
    parameters, in the order of the new version's."""
    before = flatten(old or {})
    after = flatten(new)
    out = []
    for path in [*after, *(p for p in before if p not in after)]:
        if before.get(path, None) != after.get(path, None) or (path in before) != (path in after):
            out.append(
                (
                    label(path),
                    show(before[path]) if path in before else "—",
                    show(after[path]) if path in after else "—",
                )
            )
    return out


def flatten(params: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """{dotted path: value} of every leaf of nested dictionaries."""
    out: dict[str, Any] = {}
    for name, value in params.items():
        path = f"{prefix}{name}"
        if isinstance(value, dict) and name != "emulation":
            out.update(flatten(value, path + "."))
        else:
            out[path] = value
    return out


def set_path(params: dict[str, Any], path: str, value: Any) -> None:
    *parents, leaf = path.split(".")
    node = params
    for name in parents:
        node = node.setdefault(name, {})
    node[leaf] = value


def field_name(path: str) -> str:
    return path.replace(".", "__")


def label(path: str) -> str:
    return str(LABELS.get(path, path))


def _is_int_list(value: Any) -> bool:
    return isinstance(value, list) and all(
        isinstance(v, int) and not isinstance(v, bool) for v in value
    )


def _is_windows(path: str, value: Any) -> bool:
    return path.endswith("working_hours") and isinstance(value, list)


def editable(path: str, value: Any) -> bool:
    if _is_windows(path, value) or _is_int_list(value):
        return True
    if path.endswith("cutoff"):
        return value is None or isinstance(value, str)
    if path.endswith("_unit"):
        return value in dict(UNITS)
    return isinstance(value, int | float) and not isinstance(value, bool)


def make_field(path: str, value: Any) -> forms.Field:
    text = label(path)
    if _is_windows(path, value):
        return forms.CharField(
            label=text,
            help_text=_("Morning and afternoon, e.g. 08:00-12:00, 13:00-17:00"),
            initial=", ".join(f"{a}-{b}" for a, b in value),
        )
    if _is_int_list(value):
        return forms.CharField(
            label=text,
            required=False,
            help_text=_("Numbers separated by commas"),
            initial=", ".join(str(v) for v in value),
        )
    if path.endswith("cutoff"):
        return forms.CharField(
            label=text,
            required=False,
            help_text=_("HH:MM; empty: no cut-off"),
            initial=value or "",
        )
    if path.endswith("_unit"):
        return forms.ChoiceField(label=text, choices=UNITS, initial=value)
    if isinstance(value, float):
        return forms.FloatField(label=text, min_value=0, initial=value)
    return forms.IntegerField(label=text, min_value=0, initial=value)


def parse_windows(text: str) -> list[list[str]]:
    windows: list[list[str]] = []
    for part in [p.strip() for p in text.split(",") if p.strip()]:
        bounds = [b.strip() for b in part.split("-")]
        if len(bounds) != 2 or not all(TIME_RE.match(b) for b in bounds):
            raise ValidationError(
                _("Write each period as HH:MM-HH:MM, e.g. 08:00-12:00, 13:00-17:00.")
            )
        windows.append(bounds)
    if not windows:
        raise ValidationError(_("Give at least one working period."))
    previous_end = ""
    for start, end in windows:
        if start >= end or start < previous_end:
            raise ValidationError(
                _("Working periods must run forward in time and must not overlap.")
            )
        previous_end = end
    return windows


def parse_int_list(text: str) -> list[int]:
    try:
        values = [int(p) for p in text.replace(";", ",").split(",") if p.strip()]
    except ValueError as exc:
        raise ValidationError(_("Write whole numbers separated by commas.")) from exc
    if any(v < 0 for v in values):
        raise ValidationError(_("The numbers must not be negative."))
    return values


def parse_cutoff(text: str) -> str | None:
    text = (text or "").strip()
    if not text:
        return None
    if not TIME_RE.match(text):
        raise ValidationError(_("Write the time as HH:MM, e.g. 15:00."))
    return text


def clean_value(path: str, previous: Any, value: Any) -> Any:
    """The parameter's new value from the field's cleaned value."""
    if _is_windows(path, previous):
        return parse_windows(value)
    if _is_int_list(previous):
        return parse_int_list(value)
    if path.endswith("cutoff"):
        return parse_cutoff(value)
    return value


def window_hours(windows: list[list[str]]) -> float:
    total = 0.0
    for start, end in windows:
        a = dt.datetime.strptime(start, "%H:%M")  # noqa: DTZ007 - a time of day, no date
        b = dt.datetime.strptime(end, "%H:%M")  # noqa: DTZ007
        total += (b - a).total_seconds() / 3600
    return total
