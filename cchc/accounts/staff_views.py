"""The staff pages: a province's Home Affairs department and each agency's administrator
list, add and change the staff accounts of the agencies they manage (accounts/services.py
does every change and logs it). Adding accounts, loading a file of them and every change to
one (roles, switching off, links) ask for a fresh code when the last check of the session is
older than settings.CCHC_RECHECK_MINUTES (views.recent_check_required)."""

from __future__ import annotations

import csv
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cchc.accounts import services
from cchc.accounts import staff_import as staff_import_module
from cchc.accounts.forms import GrantForm, StaffFileForm, StaffForm
from cchc.accounts.models import Membership, User
from cchc.accounts.views import recent_check_required
from cchc.core.collation import vietnamese_sort_key
from cchc.core.errors import ValidationFailed
from cchc.core.rendering import form_page, run_action
from cchc.core.text import matches_folded

PAGE_SIZE = 25


def _managed(request: HttpRequest) -> Any:
    agencies = services.manageable_agencies(request.user)
    if not agencies.exists():
        raise PermissionDenied
    return agencies


@login_required
def staff_list(request: HttpRequest) -> HttpResponse:
    agencies = _managed(request)
    mine = Membership.objects.filter(agency__in=agencies)
    qs = User.objects.filter(kind=User.Kind.STAFF, memberships__in=mine).distinct()
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(matches_folded("search_text", q))
    agency = request.GET.get("agency", "").strip()
    if agency:
        qs = qs.filter(memberships__agency__code=agency)
    if request.GET.get("off") == "1":
        qs = qs.filter(is_active=False)
    qs = qs.order_by("name_key", "username").prefetch_related(
        Prefetch(
            "memberships",
            queryset=mine.select_related("agency").order_by("agency__code"),
            to_attr="managed_roles",
        )
    )
    return render(
        request,
        "accounts/staff_list.html",
        {
            "page": Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page")),
            "q": q,
            "agency": agency,
            # by name in Vietnamese alphabetical order, as people look for them
            "agencies": sorted(agencies, key=lambda a: vietnamese_sort_key(a.name)),
            "off": request.GET.get("off") == "1",
        },
    )


@login_required
@recent_check_required
def staff_new(request: HttpRequest) -> HttpResponse:
    agencies = _managed(request)
    form = StaffForm(request.POST or None, agencies=agencies)

    def save(d: dict[str, Any]) -> HttpResponse:
        user = services.add_staff(
            actor=request.user,
            username=d["username"],
            full_name=d["full_name"],
            agency=d["agency"],
            role=d["role"],
            email=d["email"],
            phone=d["phone"],
        )
        messages.success(request, _("Account created: its owner gets a link to set the password."))
        return redirect("accounts:staff_detail", pk=user.pk)

    return form_page(
        request, "accounts/staff_form.html", form, save, heading=_("New staff account")
    )


def _account(request: HttpRequest, pk: int) -> User:
    agencies = _managed(request)
    user = get_object_or_404(User, pk=pk, kind=User.Kind.STAFF)
    if not user.memberships.filter(agency__in=agencies).exists():
        raise Http404
    return user


@login_required
def staff_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _account(request, pk)
    agencies = services.manageable_agencies(request.user)
    managed = set(agencies.values_list("pk", flat=True))
    roles = list(user.memberships.select_related("agency").order_by("agency__code"))
    return render(
        request,
        "accounts/staff_detail.html",
        {
            "account": user,
            "roles": roles,
            "managed": managed,
            # switching off and sending links: whoever manages every agency of the account
            "whole": {m.agency_id for m in roles} <= managed,
            "grant": GrantForm(agencies=agencies),
            "events": user.account_events.order_by("-seq")[:100],
        },
    )


@login_required
@require_POST
@recent_check_required
def staff_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    user = _account(request, pk)
    back = redirect("accounts:staff_detail", pk=user.pk)
    reason = request.POST.get("reason", "")
    if action == "grant":
        form = GrantForm(request.POST, agencies=services.manageable_agencies(request.user))

        def grant() -> None:
            if not form.is_valid():
                raise ValidationFailed(_("Choose an agency and a role."))
            services.grant_role(
                actor=request.user,
                user=user,
                agency=form.cleaned_data["agency"],
                role=form.cleaned_data["role"],
            )

        return run_action(request, grant, done=_("Role granted."), back=back)
    if action == "revoke":
        membership = get_object_or_404(Membership, pk=request.POST.get("membership"), user=user)
        return run_action(
            request,
            lambda: services.revoke_role(actor=request.user, membership=membership, reason=reason),
            done=_("Role withdrawn."),
            back=back,
        )
    if action in ("deactivate", "activate"):

        def switch() -> None:
            services.set_active(
                actor=request.user, user=user, active=action == "activate", reason=reason
            )

        done = _("Account switched on.") if action == "activate" else _("Account switched off.")
        return run_action(request, switch, done=done, back=back)
    if action == "invite":
        return run_action(
            request,
            lambda: services.send_invitation(actor=request.user, user=user),
            done=_("A new link to set the password is on its way."),
            back=back,
        )
    raise Http404


@login_required
@recent_check_required
def staff_import(request: HttpRequest) -> HttpResponse:
    """Upload `staff.csv`, see what it would do (or every refused line), then confirm."""
    agencies = _managed(request)
    form = StaffFileForm(request.POST or None, request.FILES or None)
    plan = None
    text = ""
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            text = (
                staff_import_module.decode(upload.read())
                if upload
                else form.cleaned_data["content"]
            )
        except ValueError as exc:
            form.add_error("file", str(exc))
        if not text and not form.errors:
            form.add_error("file", _("Choose the file to load."))
        if text and not form.errors:
            if "confirm" in request.POST and not upload:
                plan = staff_import_module.load(request.user, text)
                if plan.ok:
                    messages.success(
                        request,
                        _(
                            "%(accounts)s accounts created, %(roles)s roles granted, "
                            "%(same)s lines already in place. The new accounts' owners "
                            "get a link to set their password."
                        )
                        % {
                            "accounts": len(plan.new_accounts),
                            "roles": len(plan.new_roles),
                            "same": plan.unchanged,
                        },
                    )
                    return redirect("accounts:staff")
            else:
                plan = staff_import_module.check(request.user, text)
    return render(
        request,
        "accounts/staff_import.html",
        {
            "form": form,
            "plan": plan,
            "content": text,
            "columns": staff_import_module.COLUMNS,
            "roles": Membership.Role.choices,
            "agencies": agencies.order_by("code"),
        },
    )


@login_required
def staff_import_template(request: HttpRequest) -> HttpResponse:
    """An empty `staff.csv` with its header and one example line, to fill in a spreadsheet."""
    agencies = _managed(request)
    example = agencies.order_by("code").first()
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="staff.csv"'
    response.write("\ufeff")  # Excel opens UTF-8 with its byte order mark
    writer = csv.writer(response)
    writer.writerow(staff_import_module.COLUMNS)
    writer.writerow(
        [
            "nguyenvan.a",
            "Nguyễn Văn A",
            "a@example.vn",
            "",
            example.code if example else "",
            "CLERK",
        ]
    )
    return response
