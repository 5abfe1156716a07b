"""Upload page of the portal-against-ours reconciliation (issue 17 point 4). Read-only: it
writes nothing, so there is no service behind it; the comparison is `portal_compare`."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cchc.accounts import permissions
from cchc.core.errors import ValidationFailed
from cchc.core.fields import MultipleFileField
from cchc.indices import portal_compare, reconcile, scoring

MAX_UPLOAD = 5 * 1024 * 1024
MAX_FILES = 20


class PortalCompareForm(forms.Form):
    period = forms.CharField(
        label=gettext_lazy("Period of the portal's report"),
        max_length=10,
        help_text=gettext_lazy("2026, 2026-Q3 or 2026-08"),
    )
    files = MultipleFileField(
        label=gettext_lazy("Portal report files (JSON)"), accept=".json,application/json"
    )

    def clean_period(self) -> Any:
        try:
            return scoring.reportable(self.cleaned_data["period"], portal_compare.SCHEME)
        except ValidationFailed as exc:
            raise forms.ValidationError(exc.message) from exc

    def clean_files(self) -> list[tuple[str, dict[str, Any]]]:
        uploads = self.cleaned_data["files"]
        if len(uploads) > MAX_FILES:
            raise forms.ValidationError(_("At most %(n)s files at once.") % {"n": MAX_FILES})
        parsed, errors = [], []
        for upload in uploads:
            if upload.size > MAX_UPLOAD:
                errors.append(_("%(f)s is larger than 5 MB.") % {"f": upload.name})
                continue
            try:
                parsed.append(
                    (upload.name, portal_compare.parse_upload(upload.name, upload.read()))
                )
            except reconcile.PortalFileError as exc:
                errors.append(str(exc))
        if errors:
            raise forms.ValidationError(errors)
        return parsed


@login_required
def reconcile_portal(request: HttpRequest) -> HttpResponse:
    province = settings.CCHC_PROVINCE_CODE
    if not permissions.is_province_admin(request.user, province):
        raise PermissionDenied(_("Only the province's administrator may reconcile portal reports."))
    posted = request.method == "POST"
    form = PortalCompareForm(request.POST if posted else None, request.FILES if posted else None)
    result = None
    if request.method == "POST" and form.is_valid():
        result = portal_compare.compare(
            form.cleaned_data["files"], form.cleaned_data["period"], province_code=province
        )
        for message in result.errors:
            form.add_error("files", message)
    return render(request, "indices/reconcile_portal.html", {"form": form, "result": result})
