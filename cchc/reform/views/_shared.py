"""Helpers of several PAR INDEX page modules: the province served, who may act for Home
Affairs and who may read results, a refusal or a refused form told to the user as one
message, and the spreadsheet/PDF download of a table."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse

from cchc.accounts import permissions
from cchc.core.errors import DomainError
from cchc.core.rendering import add_domain_error
from cchc.reform import access, exports


def province() -> str:
    return settings.CCHC_PROVINCE_CODE


def require_ha(request: HttpRequest) -> None:
    if not access.is_home_affairs(request.user):
        raise PermissionDenied


def sees_results(user: Any) -> bool:
    return (
        access.is_home_affairs(user)
        or permissions.is_inspector(user)
        or permissions.is_staff_member(user)
    )


def fail(request: HttpRequest, exc: DomainError) -> None:
    messages.error(request, exc.message)


def valid_data(request: HttpRequest, form: forms.Form) -> dict[str, Any] | None:
    """The form's cleaned data, or None after telling the user what is wrong with it."""
    if form.is_valid():
        return form.cleaned_data
    form_failed(request, form)
    return None


def saved(request: HttpRequest, form: forms.Form, save: Any, done: str = "") -> bool:
    """Whether the posted form was saved by `save(cleaned_data)` (the service), with `done`
    told; refused by the form or by the service, the errors are on the form and told, and
    the caller shows the page again with the form as typed."""
    if form.is_valid():
        try:
            save(form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            if done:
                messages.success(request, done)
            return True
    form_failed(request, form)
    return False


def form_failed(request: HttpRequest, form: forms.Form) -> None:
    """A form's errors as one Vietnamese message: "<label>: <error>" per field (also when the
    form is shown again: the message is read first, and names a form the page may hide)."""
    parts = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        text = " ".join(str(e) for e in errors)
        parts.append(f"{label}: {text}" if label else text)
    messages.error(request, " ".join(parts))


def download(
    title: str, header: list[str], rows: list[list[Any]], fmt: str, stem: str
) -> HttpResponse:
    """The table as a spreadsheet (`xlsx`) or a PDF to download as `<stem>.<fmt>`; any other
    format is not found."""
    if fmt == "xlsx":
        resp = HttpResponse(
            exports.xlsx(title, header, rows),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    elif fmt == "pdf":
        resp = HttpResponse(exports.pdf(title, header, rows), content_type="application/pdf")
    else:
        raise Http404
    resp["Content-Disposition"] = f'attachment; filename="{stem}.{fmt}"'
    return resp
