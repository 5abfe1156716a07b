"""Roles change only through the staff pages (accounts/services.py logs who, when, why): the
Django admin shows memberships, on their own and inside an account, and changes none."""

from __future__ import annotations

from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from cchc.accounts.models import Membership, User

R = Membership.Role
NOTE = "/accounts/staff/"


def test_the_admin_refuses_to_add_change_or_delete_a_membership(admin_client, cast):
    add = reverse("admin:accounts_membership_add")
    assert admin_client.get(add).status_code == 403
    posted = admin_client.post(
        add, {"user": cast.clerk_a.pk, "agency": cast.agency_a.pk, "role": R.AGENCY_ADMIN}
    )
    assert posted.status_code == 403
    assert not cast.clerk_a.memberships.filter(role=R.AGENCY_ADMIN).exists()

    membership = cast.clerk_a.memberships.get()
    change = reverse("admin:accounts_membership_change", args=[membership.pk])
    page = admin_client.get(change)
    assert page.status_code == 200 and NOTE in page.content.decode()
    assert 'name="role"' not in page.content.decode()
    admin_client.post(
        change, {"user": cast.clerk_a.pk, "agency": cast.agency_b.pk, "role": R.LEADER}
    )
    membership.refresh_from_db()
    assert (membership.agency_id, membership.role) == (cast.agency_a.pk, R.CLERK)
    delete = reverse("admin:accounts_membership_delete", args=[membership.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    assert Membership.objects.filter(pk=membership.pk).exists()
    listing = admin_client.get(reverse("admin:accounts_membership_changelist"))
    assert NOTE in listing.content.decode()


def test_the_accounts_page_in_the_admin_shows_roles_without_changing_them(admin_client, cast):
    page = admin_client.get(reverse("admin:accounts_user_change", args=[cast.clerk_a.pk]))
    html = page.content.decode()
    assert page.status_code == 200 and NOTE in html and cast.agency_a.name in html
    request = RequestFactory().get("/")
    request.user = User(is_superuser=True, is_staff=True)
    (inline,) = admin.site._registry[User].get_inline_instances(request, cast.clerk_a)
    assert not inline.has_add_permission(request, cast.clerk_a)
    assert not inline.has_change_permission(request, cast.clerk_a)
    assert not inline.has_delete_permission(request, cast.clerk_a)
