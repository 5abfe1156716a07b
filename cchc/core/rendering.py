"""One way to render a form field, set as `settings.FORM_RENDERER`.

Every field goes through `templates/includes/field.html` (label, help text, errors), so the
`aria-describedby` Django puts on a widget (`<id>_helptext`, `<id>_error`) always points at
elements that exist, and `aria-invalid` marks a field with errors. Templates write
`{{ form }}` or `{{ form.name.as_field_group }}`, never a hand-made `<label>…{{ field }}`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.forms.renderers import TemplatesSetting
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from cchc.core.errors import DomainError


class FormRenderer(TemplatesSetting):
    """Django's renderer over the project's TEMPLATES (so our templates and `django.forms`'
    widget templates are found the same way), with our field and form templates."""

    form_template_name = "includes/form.html"
    field_template_name = "includes/field.html"


def add_domain_error(form: Any, exc: DomainError) -> None:
    """Show a service's refusal on the form that asked for it: on the field the error names
    when the form has that field, else above the form."""
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


def form_page(
    request: HttpRequest,
    template: str,
    form: Any,
    save: Callable[[dict[str, Any]], HttpResponse],
    *,
    heading: str = "",
) -> HttpResponse:
    """A page with one form: on a valid POST `save(cleaned_data)` calls the service and
    answers (a redirect); a service's refusal is shown on the form, and the form again."""
    if request.method == "POST" and form.is_valid():
        try:
            return save(form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
    return render(request, template, {"form": form, "heading": heading})


def cleaned_data(form: Any, refusal: str | None = None) -> dict[str, Any]:
    """A posted form's cleaned data inside a `run_action` handler; a form that is not valid
    refuses the action with `refusal`, or else with the form's own errors."""
    if not form.is_valid():
        raise DomainError(
            refusal or " ".join(str(e) for errs in form.errors.values() for e in errs)
        )
    return form.cleaned_data


def run_action(
    request: HttpRequest,
    act: Callable[[], HttpResponse | None],
    *,
    done: str,
    back: HttpResponse,
) -> HttpResponse:
    """One handling action posted from a detail page: `act()` calls the service (and answers
    itself where the action has its own answer); a service's refusal is shown as an error,
    success as `done`, and the person goes `back` to the page."""
    try:
        answer = act()
    except DomainError as exc:
        messages.error(request, exc.message)
        return back
    if answer is not None:
        return answer
    messages.success(request, done)
    return back


def post_form(
    request: HttpRequest,
    form: Any,
    act: Callable[[Any], object],
    *,
    done: str,
    back: HttpResponse,
    page: Callable[[Any], HttpResponse],
) -> HttpResponse:
    """One form posted from a detail page that shows several (a task's, an inspection's).

    Valid and accepted by the service (`act(form)`): `done` and `back` to the page
    (post/redirect/get). Refused by the form or by the service: `page(form)`, the page again
    with this form bound, so the text typed is kept and each error stands on its field
    (aria-invalid). A refusal naming no field of the form (the task was completed meanwhile,
    a permission) is a message on top of the page, since the form itself may be gone."""
    if form.is_valid():
        try:
            act(form)
        except DomainError as exc:
            if exc.field in form.fields:
                add_domain_error(form, exc)
            else:
                messages.error(request, exc.message)
        else:
            messages.success(request, done)
            return back
    return page(form)
