"""The reconciliations with the national portal. `reconcile_upload` checks the portal's
report files against the methodology in force (`cchc.indices.reconcile`);
`reconcile_portal` (issue 17 point 4) compares them with our own figures
(`cchc.indices.portal_compare`). Both are read-only: they write nothing, so there is no
service behind them."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from cchc.accounts import permissions
from cchc.core.errors import ValidationFailed
from cchc.core.fields import MultipleFileField
from cchc.indices import portal_compare, reconcile, scoring
from cchc.indices.views._shared import SCHEME, _viewer

MAX_UPLOAD = 5 * 1024 * 1024
MAX_FILES = 20


@login_required
@require_http_methods(["GET", "POST"])
def reconcile_upload(request: HttpRequest) -> HttpResponse:
    province = _viewer(request)
    if not permissions.is_province_admin(request.user, province or None):
        raise PermissionDenied(_("Only the province's administrator may reconcile portal reports."))
    from django.utils import timezone

    from cchc.indices.engine import load_spec

    spec = load_spec(SCHEME, timezone.localdate())
    checks, errors = [], []
    if request.method == "POST":
        files = request.FILES.getlist("files")
        if not files:
            errors.append(_("Choose at least one portal report file (.json)."))
        elif len(files) > MAX_FILES:
            # every file chosen is checked or none is: a 21st file was dropped without a word
            errors.append(
                _("At most %(n)s files at once: you chose %(k)s. Check them in several rounds.")
                % {"n": MAX_FILES, "k": len(files)}
            )
            files = []
        for upload in files:
            if upload.size > MAX_UPLOAD:
                errors.append(_("%(f)s is larger than 5 MB.") % {"f": upload.name})
                continue
            try:
                raw = json.loads(upload.read().decode("utf-8"))
                data = raw.get("data") if isinstance(raw, dict) else None
                if not isinstance(data, dict):
                    # the message names the file itself: not prefixed again below
                    errors.append(
                        _("%(file)s has no 'data' object: not a portal report.")
                        % {"file": upload.name}
                    )
                    continue
                checks.append(reconcile.check_data(spec, data, upload.name))
            except (UnicodeDecodeError, json.JSONDecodeError):
                errors.append(_("%(f)s is not a readable JSON file.") % {"f": upload.name})
            except reconcile.PortalFileError as exc:
                errors.append(f"{upload.name}: {exc}")
    return render(
        request,
        "indices/reconcile.html",
        {
            "checks": checks,
            "errors": errors,
            "summary": reconcile.summarise(spec, checks) if checks else [],
            "tolerance": reconcile.TOLERANCE,
            "spec": spec,
        },
    )


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
    result, openable = None, set()
    if request.method == "POST" and form.is_valid():
        result = portal_compare.compare(
            form.cleaned_data["files"], form.cleaned_data["period"], province_code=province
        )
        for message in result.errors:
            form.add_error("files", message)
        openable = portal_compare.openable_dossiers(result, request.user)
    return render(
        request,
        "indices/reconcile_portal.html",
        {"form": form, "result": result, "openable": openable},
    )
