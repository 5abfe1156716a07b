"""Forms of the plans pages (they only collect input; services decide)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from cchc.agencies.models import Agency, AgencyLevel
from cchc.core.fields import MultipleFileField, MultipleFileInput, date_input
from cchc.core.widgets import UnitChecklist
from cchc.plans.inspection_models import Severity, SubjectKind
from cchc.plans.models import OutputType, Plan, Recurrence, SourceKind, Task
from cchc.plans.rules import plan_rules

DATE = date_input()


def _set_queryset(form: forms.BaseForm, name: str, queryset: Any) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)  # and ModelMultipleChoiceField
    field.queryset = queryset


# what a filter box over a long list of units asks for (the portal's agency list asks the same)
FILTER_LABEL = _("Type a few letters of the name")


def unit_select() -> forms.Select:
    """One unit among the province's (52 and more): a list with a filter box above it."""
    return forms.Select(attrs={"data-filterable": FILTER_LABEL})


def _agencies():  # type: ignore[no-untyped-def]
    return Agency.objects.current().order_by("code")


def _set_unit_choices(form: forms.BaseForm, name: str) -> None:
    """The province's current units for a single-unit list, grouped by level (provincial
    departments, the service centre, communes, ...) and by name within each group, so a
    leader finds the unit by what it is called, not by its code; the filter box above the
    list (`unit_select`) still narrows them all."""
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)
    field.queryset = _agencies()
    by_level: dict[str, list[tuple[int, str]]] = {}
    for agency in field.queryset.only("pk", "name", "level").order_by("name"):
        by_level.setdefault(agency.level, []).append((agency.pk, agency.name))
    groups: list[tuple[Any, list[tuple[int, str]]]] = [
        (label, by_level.pop(level)) for level, label in AgencyLevel.choices if level in by_level
    ]
    # a level not (or no longer) among the choices still lists its units, last
    groups += [(level, units) for level, units in by_level.items()]
    field.choices = [("", field.empty_label or ""), *groups]


class TaskForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=500)
    source_kind = forms.ChoiceField(label=_("Source kind"), choices=SourceKind.choices)
    source_document = forms.CharField(
        label=_("Source document"), max_length=200, help_text=_("e.g. KH 12/KH-UBND")
    )
    # the annual reform plan the task carries out: its counts on the plan list come from here
    plan = forms.ModelChoiceField(
        label=_("Reform plan"),
        queryset=Plan.objects.none(),
        required=False,
        help_text=_("The annual plan the task carries out, if any."),
    )
    lead_agency = forms.ModelChoiceField(
        label=_("Lead unit"), queryset=Agency.objects.none(), widget=unit_select()
    )
    co_agencies = forms.ModelMultipleChoiceField(
        label=_("Co-operating units"),
        queryset=Agency.objects.none(),
        required=False,
        widget=UnitChecklist(),
    )
    observer_agencies = forms.ModelMultipleChoiceField(
        label=_("Observers"),
        queryset=Agency.objects.none(),
        required=False,
        widget=UnitChecklist(),
    )
    output_type = forms.ChoiceField(label=_("Expected output"), choices=OutputType.choices)
    expected_result = forms.CharField(
        label=_("Expected result"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    evidence_required = forms.BooleanField(
        label=_("Evidence required to complete"), required=False, initial=True
    )
    assigned_on = forms.DateField(label=_("Assigned on"), widget=DATE)
    deadline = forms.DateField(label=_("Deadline"), widget=DATE)
    recurrence = forms.ChoiceField(label=_("Periodic"), choices=Recurrence.choices, required=False)
    # every open task of the province: hundreds in a year, so the list has a filter box too
    parent = forms.ModelChoiceField(
        label=_("Parent task"),
        queryset=Task.objects.none(),
        required=False,
        widget=forms.Select(
            attrs={"data-filterable": _("Type a few letters of the task's code or title")}
        ),
    )
    measure_name = forms.ChoiceField(label=_("Progress from measure"), required=False)
    measure_target = forms.FloatField(label=_("Target (%)"), required=False)
    measure_period = forms.CharField(
        label=_("Measure period"), required=False, help_text=_("e.g. 2026-Q3")
    )

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        from cchc.indices.measures import available

        _set_unit_choices(self, "lead_agency")
        for name in ("co_agencies", "observer_agencies"):
            _set_queryset(self, name, _agencies())
        _set_queryset(self, "parent", Task.objects.filter(completed_on__isnull=True))
        _set_queryset(self, "plan", Plan.objects.order_by("-year", "code"))
        measure = self.fields["measure_name"]
        assert isinstance(measure, forms.ChoiceField)
        measure.choices = [("", "—"), *sorted(available().items())]
        self.fields["assigned_on"].initial = timezone.localdate()


class ProgressForm(forms.Form):
    text = forms.CharField(label=_("Progress"), widget=forms.Textarea(attrs={"rows": 2}))
    percent = forms.IntegerField(
        label=_("Percent done"), min_value=0, max_value=100, required=False
    )
    # asked only when the percentage goes down (services.report_progress); the task page
    # pre-fills the percentage with the last report's and names it in the help text
    lowered_reason = forms.CharField(
        label=_("Reason for a lower percentage"), max_length=300, required=False
    )
    # The metaclass moves declared fields to base_fields, so `form.files` stays the uploaded
    # files at run time; only the type checker sees a clash with BaseForm.files.
    files = MultipleFileField(label=_("Files"), required=False)  # type: ignore[assignment]


class CompleteForm(forms.Form):
    result = forms.CharField(label=_("Result"), widget=forms.Textarea(attrs={"rows": 2}))
    evidence_link = forms.URLField(label=_("Evidence link"), required=False, assume_scheme="https")
    # its own id: the task page shows this form beside ProgressForm, whose files are id_files
    files = MultipleFileField(  # type: ignore[assignment]
        label=_("Evidence files"),
        required=False,
        widget=MultipleFileInput(attrs={"id": "id_evidence_files"}),
    )


class ReasonForm(forms.Form):
    """Sending a task back. Its ids are its own ("send_back_reason"): the task page also
    holds the extension form, whose reason would otherwise share the id `id_reason`, and a
    label would name the wrong box."""

    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "send_back_%s")
        super().__init__(*args, **kwargs)


class ExtensionForm(forms.Form):
    new_deadline = forms.DateField(label=_("New deadline"), widget=DATE)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class PeopleChecklist(UnitChecklist):
    """People to tick among many, with a filter box above them asking for their name."""

    def get_context(self, name: str, value: Any, attrs: Any) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        context["widget"]["filter_label"] = _("Type a few letters of the person's name")
        return context


class PeopleChoiceField(forms.ModelMultipleChoiceField):
    """People ticked by their name (full name, else user name)."""

    def label_from_instance(self, obj: Any) -> str:
        return str(obj.display_name)


class InspectionForm(forms.Form):
    agency = forms.ModelChoiceField(
        label=_("Unit"), queryset=Agency.objects.none(), widget=unit_select()
    )
    scheduled_on = forms.DateField(label=_("Scheduled on"), widget=DATE)
    plan: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Inspection plan"),
        queryset=None,
        required=False,
        help_text=_("Leave empty for a surprise inspection."),
    )
    # required unless a plan is chosen (its checklist is then the inspection's): not
    # `required`, but its label carries the same mark and its help text says when
    checklist = forms.CharField(
        label=_("Checklist (one content per line)"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=_(
            "Required when no inspection plan is chosen (a surprise inspection). With a plan, "
            "leave it empty to inspect the plan's contents."
        ),
    )
    period_from = forms.DateField(label=_("Period from"), widget=DATE, required=False)
    period_to = forms.DateField(label=_("Period to"), widget=DATE, required=False)
    # the inspection team (đoàn kiểm tra): whoever schedules it is a member, and ticks the
    # others by name among those who may inspect (they record the checklist and findings)
    team = PeopleChoiceField(
        label=_("Other members of the inspection team"),
        queryset=get_user_model().objects.none(),
        required=False,
        widget=PeopleChecklist(),
        help_text=_("You are a member of the team yourself."),
    )

    def __init__(self, *args: Any, scheduled_by: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from cchc.plans.inspection_models import InspectionPlan

        user_model = get_user_model()
        inspectors = (user_model.Kind.INSPECTOR, user_model.Kind.PROVINCE_ADMIN)  # type: ignore[attr-defined]
        # the others who may inspect: the person scheduling is in the team already
        members = user_model.objects.filter(is_active=True, kind__in=inspectors)
        if scheduled_by is not None:
            members = members.exclude(pk=scheduled_by.pk)
        _set_queryset(self, "team", members.order_by("name_key", "username"))
        _set_unit_choices(self, "agency")
        _set_queryset(self, "plan", InspectionPlan.objects.all())
        # the required fields' mark (templates/includes/field.html), hidden from screen
        # readers as there: the help text, read with the field, says when it is required
        self.fields["checklist"].label = format_html(
            '{} <span aria-hidden="true">*</span>', self.fields["checklist"].label
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("plan") and not (data.get("checklist") or "").strip():
            self.add_error(
                "checklist",
                _(
                    "Write the contents to inspect, one per line, or choose the inspection "
                    "plan whose contents are inspected."
                ),
            )
        return data


class InspectionPlanForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=60)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    title = forms.CharField(label=_("Title"), max_length=300)
    issuing_document = forms.CharField(label=_("Issuing document"), required=False)
    checklist = forms.CharField(
        label=_("Checklist (one content per line)"), widget=forms.Textarea(attrs={"rows": 6})
    )


class FindingForm(forms.Form):
    severity = forms.ChoiceField(label=_("Severity"), choices=Severity.choices)
    description = forms.CharField(label=_("Finding"), widget=forms.Textarea(attrs={"rows": 2}))
    evidence = forms.CharField(
        label=_("Evidence"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    responsible_person = forms.CharField(label=_("Responsible person"), required=False)
    subject_kind = forms.ChoiceField(label=_("About"), choices=SubjectKind.choices, required=False)
    subject_ref = forms.CharField(label=_("Reference (code)"), required=False)
    agency = forms.ModelChoiceField(
        label=_("Unit"), queryset=Agency.objects.none(), required=False, widget=unit_select()
    )

    def __init__(self, *args, within_inspection: bool = False, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        if within_inspection:
            # on an inspection's page the finding is the inspected unit's: a unit picker
            # there would be ignored (inspection_views._inspection_forms)
            del self.fields["agency"]
        else:
            _set_unit_choices(self, "agency")


class ConcludeForm(forms.Form):
    conclusion = forms.CharField(label=_("Conclusion"), widget=forms.Textarea(attrs={"rows": 3}))
    # its bounds are the rule data's (plans.rules), checked by inspections.conclude
    remediation_days = forms.IntegerField(label=_("Remediation period (days)"), required=False)

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        # left empty, the conclusion sets the rule data's period (inspections.conclude)
        days = plan_rules(timezone.localdate())["remediation_days"]
        self.fields["remediation_days"].help_text = _(
            "Leave empty for the usual period of %(n)s days."
        ) % {"n": days}


class SelfReportForm(forms.Form):
    file = forms.FileField(label=_("Self-inspection report"))


TARGET_EXAMPLE = "Hồ sơ đúng hạn ≥ 95 % | dossiers_on_time | 95"


class PlanForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=60)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    title = forms.CharField(label=_("Title"), max_length=300)
    issuing_document = forms.CharField(label=_("Issuing document"), max_length=120)
    issued_on = forms.DateField(label=_("Issued on"), widget=DATE, required=False)
    targets = forms.CharField(
        label=_("Targets (one per line: label | measure | target %)"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=format_lazy(_("e.g. {example}"), example=TARGET_EXAMPLE),
    )

    def clean_targets(self) -> list[dict[str, Any]]:
        """One target per line, `label | measure | target`; every bad line is named."""
        from cchc.plans.services import target_problem

        out, problems = [], []
        for n, line in enumerate((self.cleaned_data.get("targets") or "").splitlines(), 1):
            if not line.strip():
                continue
            parts = [p.strip() for p in line.split("|")]
            where = {"n": n, "line": line.strip()}
            if len(parts) != 3:
                problems.append(
                    _("Line %(n)s (%(line)s): write label | measure | target, e.g. %(example)s")
                    % {**where, "example": TARGET_EXAMPLE}
                )
                continue
            label, measure, number = parts
            target: dict[str, Any] = {"label": label, "measure": measure, "target": None}
            if number:
                try:
                    target["target"] = float(number.replace(",", "."))
                except ValueError:
                    problems.append(
                        _("Line %(n)s (%(line)s): the target %(v)s is not a number.")
                        % {**where, "v": number}
                    )
                    continue
            problem = target_problem(target)
            if problem:
                problems.append(
                    _("Line %(n)s (%(line)s): %(problem)s") % {**where, "problem": problem}
                )
            out.append(target)
        if problems:
            raise forms.ValidationError(problems)
        return out


class ChecklistForm(forms.Form):
    """The inspection record: for every content of the inspection's checklist a result (pass,
    fail, not applicable), a note and a photo. Fields are named result_<code>, note_<code>,
    photo_<code>; `rows()` gives them per content for the table."""

    def __init__(self, *args: Any, checklist: list[dict[str, Any]], **kwargs: Any) -> None:
        from cchc.plans.inspection_models import ChecklistResult

        super().__init__(*args, **kwargs)
        self.checklist = checklist
        for item in checklist:
            code, label = item["code"], item["label"]
            self.fields[f"result_{code}"] = forms.ChoiceField(
                label=label,
                choices=[("", "—"), *ChecklistResult.Result.choices],
                error_messages={
                    "required": _("Choose pass, fail or not applicable for this content."),
                    "invalid_choice": _("Choose pass, fail or not applicable for this content."),
                },
            )
            self.fields[f"note_{code}"] = forms.CharField(
                label=_("Note on: %(label)s") % {"label": label}, required=False, max_length=2000
            )
            self.fields[f"photo_{code}"] = forms.FileField(
                label=_("Photo of: %(label)s") % {"label": label},
                required=False,
                widget=forms.ClearableFileInput(attrs={"accept": "image/*"}),
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if any(name.startswith("result_") for name in self.errors):
            # the table is long: say above it why it came back
            raise forms.ValidationError(_("Give a result for every content of the checklist."))
        return cleaned

    def rows(self) -> list[dict[str, Any]]:
        return [
            {
                "item": item,
                "result": self[f"result_{item['code']}"],
                "note": self[f"note_{item['code']}"],
                "photo": self[f"photo_{item['code']}"],
            }
            for item in self.checklist
        ]

    def results(self) -> dict[str, dict[str, Any]]:
        """What `inspections.record_inspection` takes: item code → result, note, photo."""
        d = self.cleaned_data
        return {
            item["code"]: {
                "result": d[f"result_{item['code']}"],
                "note": d[f"note_{item['code']}"],
                "photo": d[f"photo_{item['code']}"],
            }
            for item in self.checklist
        }


class ReinspectForm(forms.Form):
    """Re-inspection of one finding of the inspection: closed on the corrective task's
    evidence, or reopened."""

    VERDICTS = (("close", _("Close")), ("reopen", _("Reopen")))

    finding: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        queryset=None,
        widget=forms.HiddenInput,
        error_messages={
            "required": _("Choose the finding to re-inspect."),
            "invalid_choice": _("This finding is not one of this inspection's findings."),
        },
    )
    verdict = forms.ChoiceField(
        label=_("Verdict"),
        choices=VERDICTS,
        error_messages={
            "required": _("Choose whether the finding is closed or reopened."),
            "invalid_choice": _("Choose whether the finding is closed or reopened."),
        },
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=2000)

    def __init__(self, *args: Any, inspection: Any, **kwargs: Any) -> None:
        from cchc.plans.inspection_models import Finding

        super().__init__(*args, **kwargs)
        # every finding of the inspection: the service refuses a closed one with its message
        _set_queryset(self, "finding", Finding.objects.filter(inspection=inspection))
