"""What several feedback pages need: the page size and paginator, the form page, filing a
petition from a form's fields (the public form and the staff log share them), and the staff
check."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse

from cchc.accounts import permissions
from cchc.accounts.models import User
from cchc.core import rendering
from cchc.feedback import intake
from cchc.feedback.models import Petition

PAGE_SIZE = 20


def paged(request: HttpRequest, qs):  # type: ignore[no-untyped-def]
    return Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))


def form_page(
    request: HttpRequest, form: Any, heading: str, save: Callable[[dict[str, Any]], HttpResponse]
) -> HttpResponse:
    return rendering.form_page(request, "feedback/form_page.html", form, save, heading=heading)


def file_petition(
    data: dict[str, Any], *, channel: str, actor: Any, account: Any = None, **more: Any
) -> Petition:
    """File the petition a petition form describes (the public form and the staff log share
    these fields); `account`: the petitioner's own account, `more`: the form's other fields."""
    return intake.file_petition(
        channel=channel,
        category=data["topic"].category,
        topic=data["topic"],
        agency=data["agency"],
        title=data["title"],
        description=data["description"],
        dossier_code=data["dossier_code"],
        petitioner=intake.Petitioner(
            name=data["petitioner_name"],
            phone=data["petitioner_phone"],
            email=data["petitioner_email"],
            user=account,
        ),
        actor=actor,
        address=data["address"],
        lat=data["lat"],
        long=data["long"],
        **more,
    )


# who may open the staff pages (queues, a petition, the dashboard)
def staff_required(request: HttpRequest) -> None:
    user = request.user
    if not user.is_authenticated:
        raise PermissionDenied
    if not (
        permissions.is_staff_member(user)
        or user.kind in (User.Kind.PROVINCE_ADMIN, User.Kind.INSPECTOR)
        or user.is_superuser
    ):
        raise PermissionDenied
