from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from cchc.accounts import permissions
from cchc.accounts.models import Membership


def roles(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    return {
        "is_staff_member": permissions.is_staff_member(user),
        "is_province_admin": permissions.is_province_admin(user),
        "is_inspector": permissions.is_inspector(user),
        # a leader of some agency (the complaints register, the unit's survey answers)
        "is_leader": bool(permissions.agency_ids(user, roles=[Membership.Role.LEADER])),
        # Home Affairs and agency administrators manage staff accounts (accounts/services.py)
        "can_manage_staff": permissions.is_province_admin(user)
        or bool(permissions.agency_ids(user, roles=[Membership.Role.AGENCY_ADMIN])),
    }
