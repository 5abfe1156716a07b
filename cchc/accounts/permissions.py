"""Who may do what where: role lookups shared by every app's policies."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet

from cchc.accounts.models import Membership, User
from cchc.core import rowsql

Role = Membership.Role
Rows = TypeVar("Rows", bound=QuerySet[Any])


class _Everything:
    """Contains every value: what a "which may they open" set is for a province-wide reader,
    so that a page asks `x in allowed` the one way for every user."""

    def __contains__(self, value: object) -> bool:
        return True


EVERYTHING = _Everything()


def _roles_map(user: User) -> dict[int, set[str]]:
    cached = getattr(user, "_cchc_roles", None)
    if cached is None:
        # once per request and user: a fixed statement, not a compiled query (API tokens read
        # the roles with the token: remember_roles)
        cached = remember_roles(
            user, rowsql.values(Membership, ("agency", "role"), {"user": user.pk})
        )
    return cached


def remember_roles(user: User, pairs: Iterable[tuple[int, str]]) -> dict[int, set[str]]:
    """Keep the user's (agency id, role) pairs on the instance for this request."""
    roles: dict[int, set[str]] = {}
    for agency_id, role in pairs:
        roles.setdefault(agency_id, set()).add(role)
    user._cchc_roles = roles  # type: ignore[attr-defined]
    return roles


def roles_in(user: User | AnonymousUser | None, agency_id: int | None) -> set[str]:
    if user is None or not user.is_authenticated or agency_id is None:
        return set()
    return _roles_map(user).get(agency_id, set())  # type: ignore[arg-type]


def has_role(
    user: User | AnonymousUser | None, agency_id: int | None, roles: Iterable[str]
) -> bool:
    return bool(roles_in(user, agency_id) & set(roles))


def agency_ids(user: User | AnonymousUser | None, roles: Iterable[str] | None = None) -> set[int]:
    if user is None or not user.is_authenticated:
        return set()
    wanted = set(roles) if roles is not None else None
    return {a for a, r in _roles_map(user).items() if wanted is None or r & wanted}  # type: ignore[arg-type]


def is_staff_member(user: User | AnonymousUser | None) -> bool:
    return bool(agency_ids(user))


def sees_whole_province(user: User | AnonymousUser | None, province_code: str) -> bool:
    """Province administrators and inspectors see every agency of their province."""
    if user is None or not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return (
        user.kind in (User.Kind.PROVINCE_ADMIN, User.Kind.INSPECTOR)
        and user.province_code == province_code
    )  # type: ignore[union-attr]


def is_inspector(user: User | AnonymousUser | None) -> bool:
    return bool(user and user.is_authenticated and user.kind == User.Kind.INSPECTOR)  # type: ignore[union-attr]


def is_province_admin(user: User | AnonymousUser | None, province_code: str | None = None) -> bool:
    if user is None or not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    if user.kind != User.Kind.PROVINCE_ADMIN:  # type: ignore[union-attr]
        return False
    return province_code is None or user.province_code == province_code  # type: ignore[union-attr]


def rows_visible_to(
    queryset: Rows,
    user: User | AnonymousUser | None,
    *,
    own: str | None = None,
    agencies: Sequence[str] = (),
    roles: Iterable[str] | None = None,
    province: str | None = None,
) -> Rows:
    """The rows of `queryset` that `user` may see, the one rule of every register: nothing for
    an anonymous user, everything for a superuser; otherwise the rows they filed (`own`: the
    field holding their account), the rows whose agency fields (`agencies`, foreign keys to
    Agency) name one of their agencies (where they hold one of `roles`, when given), and for
    province administrators and inspectors the rows of their province (`province`: the
    lookup holding the row's province code)."""
    if user is None or not user.is_authenticated:
        return queryset.none()  # type: ignore[return-value]
    if user.is_superuser:
        return queryset
    conditions = Q(**{own: user}) if own else Q(pk__in=[])
    ids = agency_ids(user, roles)
    if ids:
        for field in agencies:
            conditions |= Q(**{f"{field}_id__in": ids})
    if province and user.kind in (User.Kind.PROVINCE_ADMIN, User.Kind.INSPECTOR):
        if user.province_code:
            conditions |= Q(**{province: user.province_code})
    return queryset.filter(conditions)  # type: ignore[return-value]
