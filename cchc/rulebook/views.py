"""Home Affairs' rules screens: calendar exceptions, rule versions and their audit list.
Thin: every write is a call to `services`, whose Vietnamese messages are shown on the form."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Max
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from cchc.accounts import permissions
from cchc.core.errors import DomainError
from cchc.core.models import CalendarException, RuleVersion
from cchc.core.rendering import add_domain_error
from cchc.rulebook import params as P
from cchc.rulebook import services
from cchc.rulebook.forms import SWAP, CalendarExceptionForm, CancelForm, RuleVersionForm
from cchc.rulebook.models import RulebookEvent

PAGE_SIZE = 20
Kind = CalendarException.Kind


def _require_manager(request: HttpRequest) -> None:
    if not services.may_manage(request.user):
        raise PermissionDenied


def _require_reader(request: HttpRequest, *, audit: bool = False) -> bool:
    """Who may read the province's rules: its staff (a clerk tells a citizen which days are
    off), Home Affairs and the inspectors; the change log only Home Affairs and inspectors.
    Returns whether the reader may also change them."""
    user = request.user
    manager = services.may_manage(user)
    reader = (
        manager
        or permissions.is_inspector(user)
        or (not audit and permissions.is_staff_member(user))
    )
    if not reader:
        raise PermissionDenied
    return manager


def _asking_confirmation(form_class: Any, request: HttpRequest, exc: Any) -> Any:
    """The posted form again, now carrying the number of dossiers due the person confirms,
    with the service's question on the confirmation field."""
    form = form_class({**request.POST.dict(), "seen_dossiers_due": exc.count})
    form.is_valid()
    add_domain_error(form, exc)
    return form


def _page(request: HttpRequest, qs: Any) -> Any:
    return Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))


@login_required
def calendar(request: HttpRequest) -> HttpResponse:
    can_manage = _require_reader(request)
    if request.method == "POST" and not can_manage:
        raise PermissionDenied
    form = CalendarExceptionForm(request.POST if request.method == "POST" else None)
    needs_confirmation = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if data["kind"] == SWAP:
            changes = [
                services.DayChange(data["date"], Kind.DAY_OFF),
                services.DayChange(data["swap_with"], Kind.WORKING_DAY),
            ]
        else:
            changes = [services.DayChange(data["date"], data["kind"])]
        try:
            services.add_calendar_exceptions(
                actor=request.user,
                changes=changes,
                reason=data["reason"],
                document_number=data["document_number"],
                document_date=data["document_date"],
                confirmed_dossiers_due=form.confirmed_count(),
            )
        except services.NeedsConfirmation as exc:
            needs_confirmation = exc
            form = _asking_confirmation(CalendarExceptionForm, request, exc)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(
                request,
                _("The calendar exception was added.")
                + " "
                + "; ".join(services.describe_change(c.day, c.kind) for c in changes)
                + ".",
            )
            return redirect("rulebook:calendar")
    if needs_confirmation is None:  # offered only together with the count to confirm
        form.fields["confirm_dossiers_due"].widget = forms.HiddenInput()
    rows = CalendarException.objects.filter(province_code__in=["", services.province()]).order_by(
        "-date"
    )
    this_year = services.today().year
    return render(
        request,
        "rulebook/calendar.html",
        {
            "form": form,
            "page": _page(request, rows),
            "needs_confirmation": needs_confirmation,
            "today": services.today(),
            "province": services.province(),
            "years": [(y, services.year_overview(y)) for y in (this_year, this_year + 1)],
            "can_manage": can_manage,
        },
    )


@login_required
def calendar_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    """Cancel one of the province's calendar exceptions: what it changes back, then a reason."""
    _require_manager(request)
    row = CalendarException.objects.filter(pk=pk, province_code=services.province()).first()
    if row is None:
        raise Http404
    form = CancelForm(request.POST if request.method == "POST" else None)
    needs_confirmation = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.cancel_calendar_exception(
                actor=request.user,
                exception_id=row.pk,
                reason=data["reason"],
                confirmed_dossiers_due=(
                    data.get("seen_dossiers_due") if data.get("confirm_dossiers_due") else None
                ),
            )
        except services.NeedsConfirmation as exc:
            needs_confirmation = exc
            form = _asking_confirmation(CancelForm, request, exc)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("The calendar exception was cancelled."))
            return redirect("rulebook:calendar")
    if needs_confirmation is None:
        form.fields["confirm_dossiers_due"].widget = forms.HiddenInput()
    return render(
        request,
        "rulebook/calendar_cancel.html",
        {
            "form": form,
            "row": row,
            "back": "; ".join(
                services.describe_change(
                    r.date, Kind.WORKING_DAY if r.kind == Kind.DAY_OFF else Kind.DAY_OFF
                )
                for r in [row, *services.swap_partners(row)]
            ),
            "needs_confirmation": needs_confirmation,
        },
    )


@login_required
def dossiers_due(request: HttpRequest, day: str) -> HttpResponse:
    """The open dossiers due on a day: what a day off on that day would concern."""
    _require_manager(request)
    try:
        when = dt.date.fromisoformat(day)
    except ValueError as exc:
        raise Http404 from exc
    rows = (
        services.dossiers_due_on(when)
        .select_related("procedure", "current_agency")
        .order_by("due_at", "pk")
    )
    return render(
        request, "rulebook/dossiers_due.html", {"day": when, "page": _page(request, rows)}
    )


@login_required
def versions(request: HttpRequest) -> HttpResponse:
    can_manage = _require_reader(request)
    rows = RuleVersion.objects.order_by("key", "-effective_from")
    keys = [
        {**k, "name": P.rule_name(k["key"])}
        for k in RuleVersion.objects.values("key")
        .annotate(last=Max("effective_from"))
        .order_by("key")
    ]
    page = _page(request, rows)
    for row in page:
        row.rule_name = P.rule_name(row.key)
    return render(
        request,
        "rulebook/versions.html",
        {"page": page, "keys": keys, "today": services.today(), "can_manage": can_manage},
    )


@login_required
def version_detail(request: HttpRequest, key: str, version: str) -> HttpResponse:
    """One version of a rule, read: every parameter with its value, and what changed against
    the version before it, so an earlier version can be seen as it was."""
    can_manage = _require_reader(request)
    shown = RuleVersion.objects.filter(key=key, version=version).first()
    if shown is None:
        raise Http404
    previous = (
        RuleVersion.objects.filter(key=key, effective_from__lt=shown.effective_from)
        .order_by("-effective_from")
        .first()
    )
    return render(
        request,
        "rulebook/version_detail.html",
        {
            "v": shown,
            "name": P.rule_name(key),
            "previous": previous,
            "params": [(P.label(p), P.show(value)) for p, value in P.flatten(shown.params).items()],
            "changes": P.changes(previous.params, shown.params) if previous else [],
            "others": RuleVersion.objects.filter(key=key).order_by("-effective_from"),
            "today": services.today(),
            "can_manage": can_manage,
        },
    )


@login_required
def version_new(request: HttpRequest, key: str) -> HttpResponse:
    _require_manager(request)
    base = RuleVersion.objects.filter(key=key).order_by("-effective_from").first()
    if base is None:
        raise Http404
    form = RuleVersionForm(
        request.POST if request.method == "POST" else None, base_params=base.params
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = services.add_rule_version(
                actor=request.user,
                key=key,
                version=data["version"],
                effective_from=data["effective_from"],
                legal_source=data["legal_source"],
                params=data["params"],
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(
                request,
                _("Version %(v)s of rule %(key)s takes effect on %(day)s.")
                % {
                    "v": created.version,
                    "key": P.rule_name(key),
                    "day": created.effective_from.strftime("%d/%m/%Y"),
                },
            )
            return redirect("rulebook:versions")
    return render(
        request,
        "rulebook/version_new.html",
        {
            "form": form,
            "key": key,
            "name": P.rule_name(key),
            "base": base,
            "carried": [(P.label(p), P.show(form.flat[p])) for p in form.carried],
        },
    )


@login_required
def audit(request: HttpRequest) -> HttpResponse:
    _require_reader(request, audit=True)
    rows = RulebookEvent.objects.filter(rulebook__province_code=services.province()).order_by(
        "-seq"
    )
    page = _page(request, rows)
    for event in page:
        event.summary = _summary(event)
    return render(request, "rulebook/audit.html", {"page": page})


def _day(iso: str | None) -> str:
    return dt.date.fromisoformat(iso).strftime("%d/%m/%Y") if iso else ""


def _summary(event: RulebookEvent) -> dict[str, Any]:
    """What an audit row changed, in words (dates d/m/Y, kinds and rules by their names,
    a new version's parameters that differ from the version it supersedes)."""
    data = event.data or {}
    if event.action in (RulebookEvent.Action.ADD_CALENDAR_EXCEPTION,):
        return {
            "lines": [
                services.describe_change(dt.date.fromisoformat(d["date"]), d["kind"])
                for d in data.get("days", [])
            ],
            "document": f"{data.get('document_number', '')} ({_day(data.get('document_date'))})",
            "dossiers_due": data.get("dossiers_due") or 0,
        }
    if event.action == RulebookEvent.Action.CANCEL_CALENDAR_EXCEPTION:
        return {
            "lines": [
                services.describe_change(
                    dt.date.fromisoformat(d["date"]),
                    Kind.WORKING_DAY if d["kind"] == Kind.DAY_OFF else Kind.DAY_OFF,
                )
                for d in data.get("days", [])
            ],
            "document": _("cancels %(reason)s — %(doc)s (%(day)s)")
            % {
                "reason": data.get("reason", ""),
                "doc": data.get("document_number", ""),
                "day": _day(data.get("document_date")),
            },
            "dossiers_due": data.get("dossiers_due") or 0,
        }
    key = data.get("key", "")
    superseded = data.get("superseded") or {}
    lines = [
        _("%(rule)s, version %(v)s from %(day)s")
        % {
            "rule": P.rule_name(key),
            "v": data.get("version", ""),
            "day": _day(data.get("effective_from")),
        }
    ]
    if superseded:
        lines.append(
            _("version %(v)s ends %(day)s")
            % {"v": superseded.get("version", ""), "day": _day(superseded.get("effective_to"))}
        )
        before = RuleVersion.objects.filter(key=key, version=superseded.get("version")).first()
        if before is not None:
            lines += [
                _("%(what)s: %(old)s → %(new)s") % {"what": what, "old": old, "new": new}
                for what, old, new in P.changes(before.params, data.get("params") or {})
            ]
    return {"lines": lines, "document": "", "dossiers_due": 0}
