"""Forms of the PAR INDEX pages. They only parse and check the shape of the input (numbers,
dates, required fields) with Django's Vietnamese messages; the services decide the rest (a
score above the node's maximum, evidence rules, transitions)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cchc.accounts.models import User
from cchc.agencies.models import Agency, RankingGroup
from cchc.core.fields import date_input
from cchc.reform.criteria import show_points
from cchc.reform.models import ExternalIndex, Method, NodeKind, TargetKind, Template
from cchc.reform.scoring import natural_key

DATE = date_input()


# Django's own messages for a number ("Đảm bảo giá trị này lớn hơn hoặc bằng với 0 .") read
# badly beside a score: say what a score is
POINTS_ERRORS = {
    "min_value": _("Points must be greater than or equal to 0: a negative number is not allowed."),
    "max_decimal_places": _("Points have at most 2 decimals."),
    "max_digits": _("That is too many points."),
    "max_whole_digits": _("That is too many points."),
}


def _decimal(*, attrs: Mapping[str, str] | None = None, **kw: Any) -> forms.DecimalField:
    """A score: a non-negative number, a decimal comma accepted (Vietnamese writing)."""
    return forms.DecimalField(
        min_value=Decimal(0),
        max_digits=7,
        decimal_places=2,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal", **(attrs or {})}),
        error_messages=POINTS_ERRORS,
        **kw,
    )


class _RowForm(forms.Form):
    """A form in one row of the scoring sheet: its labels (read by screen readers, the row's
    visible heading being the code) name the row's sub-criterion."""

    def __init__(self, *args: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        code = str(self["node"].value() or "")
        for name, field in self.fields.items():
            if name != "node" and code:
                field.label = f"{field.label} {code}"


class ScoreForm(_RowForm):
    """The unit's self score of a sub-criterion and its explanation."""

    node = forms.CharField(widget=forms.HiddenInput, max_length=40)
    score = _decimal(label=_("Self score"), required=False, attrs={"class": "score-input"})
    explanation = forms.CharField(
        label=_("Explanation (required without evidence)"),
        required=False,
        widget=forms.Textarea(
            attrs={"rows": 1, "placeholder": _("Explanation (required without evidence)")}
        ),
    )

    def __init__(self, *args: Any, explanation_required: bool = True, **kw: Any) -> None:
        super().__init__(*args, **kw)
        # only a self-assessed item needs evidence or an explanation (`missing_items`): a
        # bonus, penalty or computed item's field said "required" and was not
        if not explanation_required:
            field = self.fields["explanation"]
            field.label = f"{_('Explanation (optional)')} {self['node'].value() or ''}".strip()
            field.widget.attrs["placeholder"] = _("Explanation (optional)")


class EvidenceForm(forms.Form):
    """A document of a competent authority as evidence: its number, issuer, date, and a new
    file or one the unit has already uploaded."""

    node = forms.CharField(widget=forms.HiddenInput, max_length=40)
    doc_number = forms.CharField(label=_("Document number"), max_length=100)
    issuer = forms.CharField(label=_("Issuer"), max_length=300)
    doc_date = forms.DateField(label=_("Document date"), widget=DATE)
    file = forms.FileField(
        label=_("File"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )
    file_id = forms.TypedChoiceField(
        label=_("or reuse an uploaded file"), required=False, coerce=int, empty_value=None
    )

    def __init__(
        self, *args: Any, files_choices: Sequence[tuple[Any, str]] = (), **kw: Any
    ) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kw)
        self.fields["file_id"].choices = [("", "—"), *files_choices]  # type: ignore[attr-defined]
        if not files_choices:
            self.fields["file_id"].widget = forms.HiddenInput()
        # the limits `core.uploads.check_upload` applies, said before a specialist uploads a
        # 30 MB scan or a Word file and learns them only from the refusal
        self.fields["file"].help_text = _("PDF, JPEG or PNG, at most %(max_upload_mb)s MB.") % {
            "max_upload_mb": settings.MAX_UPLOAD_MB
        }

    def file_to_choose_again(self) -> str:
        """The name of the file chosen on a refused form: a browser never puts a chosen file
        back in the page, so the sheet says which one to choose again (the number, issuer and
        date come back as typed). Empty when nothing was refused, no file was chosen, or the
        file itself was refused (its error says why; choosing it again would fail again)."""
        refused = self.is_bound and self.errors and "file" not in self.errors
        upload = self.files.get("file") if refused else None
        return str(upload.name) if upload else ""


class EvidenceFileSearchForm(forms.Form):
    """The search of a unit's uploaded files by name (accents and case aside), whose matches
    the rows' "reuse an uploaded file" lists offer instead of only the newest files."""

    tep = forms.CharField(
        label=_("Find an uploaded file by name"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("e.g. ke hoach")}),
    )


class DeadlineForm(forms.Form):
    """The submission deadline of a template (empty: no deadline)."""

    deadline = forms.DateTimeField(
        label=_("Deadline"),
        required=False,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )


class HistoryFilterForm(forms.Form):
    """The scoring sheet's history narrowed to one item: every change of its score, its
    evidence, its appraisal and the unit's answer, however long ago."""

    code = forms.CharField(
        label=_("Criterion code"),
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "1.1.1"}),
    )


class ProgressFilterForm(forms.Form):
    """Filters of the submission progress page."""

    q = forms.CharField(
        label=_("Unit code or name"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    status = forms.ChoiceField(label=_("Status"), required=False)

    def __init__(self, *args: Any, statuses: Sequence[tuple[str, Any]] = (), **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["status"].choices = [("", _("All statuses")), *statuses]  # type: ignore[attr-defined]


class AppraiseForm(_RowForm):
    """An appraiser's decision on one item: accept, or adjust with a score and a reason."""

    node = forms.CharField(widget=forms.HiddenInput, max_length=40)
    score = _decimal(label=_("Appraised score"), required=False, attrs={"class": "score-input"})
    comment = forms.CharField(
        label=_("Reason for the adjustment"),
        required=False,
        max_length=2000,
        widget=forms.TextInput(attrs={"placeholder": _("Reason for the adjustment")}),
    )


class AnswerDueForm(forms.Form):
    """The chair moves the last day of the unit's answers: the new day and why."""

    answer_by = forms.DateField(label=_("New last day for the unit's answers"), widget=DATE)
    reason = forms.CharField(
        label=_("Reason for moving it"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class WhatIfForm(forms.Form):
    """What-if on the unit page: a platform figure in percent and/or chosen leaf scores; one
    field per leaf (v_<code>), bounded by the leaf's maximum. Nothing is saved."""

    whatif = forms.CharField(widget=forms.HiddenInput, initial="1")
    metric = forms.ChoiceField(label=_("Platform measure"), required=False)
    metric_value = forms.DecimalField(
        label=_("New figure (percent)"),
        required=False,
        min_value=Decimal(0),
        max_value=Decimal(100),
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "placeholder": _("e.g. 80")}),
    )

    def __init__(
        self, *args: Any, leaves: Sequence[Any] = (), measures: Sequence[str] = (), **kw: Any
    ) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kw)
        self.fields["metric"].choices = [("", "—"), *((m, m) for m in measures)]  # type: ignore[attr-defined]
        if not measures:
            del self.fields["metric"], self.fields["metric_value"]
        self.leaf_fields = []
        for n in leaves:
            if n.is_survey:
                continue
            name = f"v_{n.code}"
            self.fields[name] = _decimal(
                label=_("%(code)s (at most %(max)s)")
                % {"code": n.code, "max": show_points(n.max_points)},
                required=False,
                max_value=n.max_points,
            )
            self.leaf_fields.append((n, name))

    def leaf_bound_fields(self) -> list[forms.BoundField]:
        return [self[name] for _n, name in self.leaf_fields]

    def leaf_groups(self) -> list[dict[str, Any]]:
        """The leaf fields grouped by their criterion (the leaf's parent), template order: a
        template has some ninety leaves, one grid row of them was unreadable."""
        groups: dict[str, dict[str, Any]] = {}
        for n, name in self.leaf_fields:
            parent = n.parent
            key = parent.code if parent is not None else ""
            group = groups.setdefault(
                key, {"code": key, "name": parent.name if parent else "", "fields": []}
            )
            group["fields"].append(self[name])
        return [groups[k] for k in sorted(groups, key=natural_key)]

    def changes(self) -> dict[str, float]:
        """The leaf scores to try (code -> points), from a valid form."""
        return {
            n.code: float(self.cleaned_data[name])
            for n, name in self.leaf_fields
            if self.cleaned_data.get(name) is not None
        }


# ------------------------------------------------------- Home Affairs: templates and teams


def _year() -> forms.IntegerField:
    return forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)


def _codes(text: str) -> list[str]:
    """Logins or unit codes typed space- or comma-separated, order kept, duplicates dropped."""
    return list(dict.fromkeys(text.replace(",", " ").split()))


def _all_found(keys: list[str], found: dict[str, Any], message: Any, name: str) -> list[Any]:
    """The rows `found` for `keys`, in their order; a validation error naming (as `name` in
    `message`) every key that matched nothing."""
    unknown = [k for k in keys if k not in found]
    if unknown:
        raise forms.ValidationError(message % {name: ", ".join(unknown)})
    return [found[k] for k in keys]


class TemplateCreateForm(forms.Form):
    """A new draft template, empty or a copy of an earlier one (last year's as a start)."""

    code = forms.CharField(label=_("Code"), max_length=40)
    year = _year()
    name = forms.CharField(label=_("Name"), max_length=300, required=False)
    copy_from: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Copy from"),
        queryset=Template.objects.all(),
        required=False,
        empty_label=_("(empty template)"),
    )
    unit_level = forms.CharField(
        label=_("Unit type"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "PROVINCE_AGENCY"}),
    )
    survey_optional = forms.BooleanField(
        label=_("Survey optional (rescale without a survey)"), required=False
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("copy_from") and not (data.get("name") or "").strip():
            self.add_error("name", _("Give the template a name (or copy an earlier one)."))
        return data


class NodeForm(forms.Form):
    """A node of a draft template: field, criterion or sub-criterion with its maximum, method,
    guidance, required evidence and (computed leaves) the platform measure."""

    code = forms.CharField(label=_("Code"), max_length=40)
    parent_code = forms.CharField(label=_("Parent code"), max_length=40, required=False)
    kind = forms.ChoiceField(label=_("Kind"))
    max_points = _decimal(label=_("Maximum"))
    method = forms.ChoiceField(label=pgettext_lazy("scoring", "Method"), required=False)
    measure = forms.ChoiceField(label=_("Platform measure"), required=False)
    name = forms.CharField(label=_("Name"), max_length=500)
    guidance = forms.CharField(
        label=_("Scoring guidance"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    evidence_required = forms.CharField(
        label=_("Required evidence"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, measures: Mapping[str, str] | None = None, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["kind"].choices = NodeKind.choices  # type: ignore[attr-defined]
        self.fields["method"].choices = [("", "—"), *Method.choices]  # type: ignore[attr-defined]
        self.fields["measure"].choices = [("", "—"), *(measures or {}).items()]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("method") == Method.COMPUTED and not data.get("measure"):
            self.add_error("measure", _("A computed sub-criterion names its platform measure."))
        return data


class TemplateSettingsForm(forms.Form):
    """The index rule of a draft version: name, unit type, grade bands, optional survey."""

    name = forms.CharField(label=_("Name"), max_length=300)
    unit_level = forms.CharField(label=_("Unit type"), max_length=20, required=False)
    groups = forms.ModelMultipleChoiceField(
        label=_("Ranking groups assessed"),
        queryset=RankingGroup.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None chosen: the units of every ranking group."),
    )
    grades = forms.CharField(
        label=_("Grade bands"),
        required=False,
        max_length=500,
        help_text=_("e.g. A:90, B:80, C:0 (the minimum index, in per cent, of each grade)"),
    )
    survey_optional = forms.BooleanField(
        label=_("Survey optional (rescale without a survey)"), required=False
    )

    def clean_grades(self) -> list[dict]:
        text = self.cleaned_data.get("grades", "")
        bands = []
        for part in text.replace(";", ",").split(","):
            if not part.strip():
                continue
            grade, _sep, minimum = part.partition(":")
            try:
                value = float(minimum.strip().replace("%", "").replace(",", "."))
            except ValueError:
                value = -1.0
            if not grade.strip() or not 0 <= value <= 100:
                raise forms.ValidationError(_("Write the grade bands as A:90, B:80, C:0."))
            bands.append({"grade": grade.strip(), "min": value})
        if len({b["grade"] for b in bands}) != len(bands):
            raise forms.ValidationError(_("Each grade appears once."))
        return sorted(bands, key=lambda b: -b["min"])


class TeamForm(forms.Form):
    """An appraisal team: its chair and members by login, the units it appraises by code.
    Whether a person belongs to a unit they would appraise is the service's check."""

    team_name = forms.CharField(label=_("Team name"), max_length=200, required=False)
    chair = forms.CharField(label=_("Chair (login)"), max_length=150)
    members = forms.CharField(
        label=_("Members (logins, space-separated)"), max_length=2000, required=False
    )
    agencies = forms.CharField(label=_("Units (codes, space-separated)"), max_length=4000)

    def clean_chair(self) -> Any:
        chair = User.objects.filter(username=self.cleaned_data["chair"].strip()).first()
        if chair is None:
            raise forms.ValidationError(_("No user with that login for the chair."))
        return chair

    def clean_members(self) -> list[Any]:
        logins = _codes(self.cleaned_data.get("members", ""))
        users = {u.username: u for u in User.objects.filter(username__in=logins)}
        return _all_found(logins, users, _("No user with the login: %(logins)s."), "logins")

    def clean_agencies(self) -> list[Any]:
        codes = _codes(self.cleaned_data.get("agencies", ""))
        found = {a.code: a for a in Agency.objects.filter(code__in=codes)}
        return _all_found(codes, found, _("No unit with the code: %(codes)s."), "codes")


# ------------------------------------------------------------- external values and targets
class _AgencyCode(forms.CharField):
    """A unit typed by its code: the Agency, or None when left empty."""

    def clean(self, value: Any) -> Any:
        code = (super().clean(value) or "").strip()
        if not code:
            return None
        agency = Agency.objects.filter(code=code).first()
        if agency is None:
            raise forms.ValidationError(_("No unit with the code: %(codes)s.") % {"codes": code})
        return agency


class ExternalValueForm(forms.Form):
    """A published value of PAPI, the national PAR INDEX or SIPAS (the service checks the
    score against the maximum)."""

    index = forms.ChoiceField(label=_("Index"))
    year = _year()
    province_code = forms.RegexField(
        label=_("Province code"),
        regex=r"^[0-9]{2}$",
        required=False,
        error_messages={"invalid": _("The province code has two digits, e.g. 01.")},
        widget=forms.TextInput(attrs={"placeholder": "01"}),
    )
    node_code = forms.CharField(label=_("Dimension code"), max_length=20, required=False)
    node_name = forms.CharField(label=_("Dimension"), max_length=300, required=False)
    score = forms.DecimalField(
        label=_("Score"), min_value=Decimal(0), max_digits=8, decimal_places=4, localize=True
    )
    max_score = forms.DecimalField(
        label=_("Maximum"),
        required=False,
        min_value=Decimal("0.01"),
        max_digits=8,
        decimal_places=2,
        localize=True,
    )
    rank = forms.IntegerField(label=_("Published rank"), required=False, min_value=1)
    group = forms.CharField(label=_("Group"), max_length=40, required=False)
    lead_agency = _AgencyCode(label=_("Lead unit (code)"), max_length=40, required=False)

    def __init__(self, *args: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["index"].choices = ExternalIndex.choices  # type: ignore[attr-defined]


class TargetForm(forms.Form):
    """A target as data: a score, a rank, places gained or a group, with its owner."""

    year = _year()
    index = forms.ChoiceField(label=_("Index"))
    node_code = forms.CharField(label=_("Dimension code"), max_length=20, required=False)
    kind = forms.ChoiceField(label=_("Kind"))
    value = forms.CharField(
        label=_("Target value"),
        max_length=40,
        widget=forms.TextInput(attrs={"placeholder": "86 / 10 / +5 / 1"}),
    )
    owner = _AgencyCode(label=_("Lead unit (code)"), max_length=40, required=False)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["index"].choices = ExternalIndex.choices  # type: ignore[attr-defined]
        self.fields["kind"].choices = TargetKind.choices  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        value, kind = (data.get("value") or "").strip(), data.get("kind")
        if value and kind and kind != TargetKind.GROUP:
            try:
                number = float(value.replace(",", ".").lstrip("+"))
            except ValueError:
                self.add_error("value", _("The target must be a number."))
                return data
            if kind == TargetKind.RANK and (number < 1 or number != int(number)):
                self.add_error("value", _("A rank target is a whole place from 1, e.g. 10."))
            elif kind == TargetKind.SCORE and number < 0:
                self.add_error("value", _("A score target cannot be negative."))
        return data
