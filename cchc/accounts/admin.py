from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import UserChangeForm as BaseUserChangeForm
from django.utils.translation import gettext_lazy as _

from cchc.accounts import services
from cchc.accounts.models import AccountEvent, ApiToken, Membership, User, users_by_contact
from cchc.core.admin import register_event_log

# Roles change only through the staff pages (/accounts/staff/, accounts/services.py), which
# record who granted or withdrew which role, when and why (AccountEvent); an edit here would
# leave no trace, so the admin shows memberships and changes none.
STAFF_PAGES_NOTE = _(
    "Roles are granted and withdrawn at /accounts/staff/, where every change is logged "
    "with who made it, when and why."
)


class ReadOnlyMemberships:
    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


class MembershipInline(ReadOnlyMemberships, admin.TabularInline):
    model = Membership
    extra = 0
    fields = readonly_fields = ("agency", "role", "created_at")
    verbose_name_plural = STAFF_PAGES_NOTE


class UserChangeForm(BaseUserChangeForm):
    """The admin's form for an account: an e-mail or phone changed to one another account
    holds is refused, as on the staff pages (services.contact_refusals)."""

    def clean(self):  # type: ignore[no-untyped-def]
        data = super().clean()
        changed = {f for f in ("email", "phone") if f in self.changed_data}
        if changed:
            refused = services.contact_refusals(
                email=data.get("email", "") if "email" in changed else "",
                phone=data.get("phone", "") if "phone" in changed else "",
                account=self.instance.pk,
            )
            for field, message in refused.items():
                self.add_error(field, message)
        return data


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = UserChangeForm
    list_display = ("username", "full_name", "kind", "province_code", "is_active")
    list_filter = ("kind", "is_active", "province_code")
    # e-mail and phone are encrypted: a search term that is a whole e-mail or phone number is
    # matched through their keyed hashes (get_search_results), never by a partial match
    search_fields = ("username", "full_name", "organisation_name", "tax_code")
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (
            "CCHC",
            {
                "fields": (
                    "kind",
                    "full_name",
                    "organisation_name",
                    "tax_code",
                    "phone",
                    "province_code",
                    "email_verified",
                    "phone_verified",
                )
            },
        ),
    )
    # the tax code is checked (format, check digit, one account each) by the sign-up only
    readonly_fields = ("tax_code",)
    inlines = [MembershipInline]

    def get_search_results(self, request, queryset, search_term):  # type: ignore[no-untyped-def]
        found, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        by_contact = users_by_contact(search_term)
        if search_term.strip() and not by_contact.query.is_empty():
            found = found | queryset.filter(pk__in=by_contact.values("pk"))
        return found, may_have_duplicates


@admin.register(Membership)
class MembershipAdmin(ReadOnlyMemberships, admin.ModelAdmin):
    list_display = ("user", "agency", "role", "created_at")
    list_filter = ("role",)
    search_fields = ("user__username", "user__full_name", "agency__code", "agency__name")
    readonly_fields = ("user", "agency", "role", "created_at")

    def changelist_view(self, request, extra_context=None):  # type: ignore[no-untyped-def]
        return super().changelist_view(
            request, {"subtitle": STAFF_PAGES_NOTE, **(extra_context or {})}
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):  # type: ignore[no-untyped-def]
        extra = {"subtitle": STAFF_PAGES_NOTE, **(extra_context or {})}
        return super().change_view(request, object_id, form_url, extra)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are issued with `manage.py create_api_token`; here they can only be revoked."""

    list_display = ("name", "user", "prefix", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("user", "name", "prefix", "created_at", "last_used_at")
    exclude = ("key_hash",)

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


# The admin site signs in through the accounts page (password, throttled by django-axes,
# then the TOTP code) and admits only sessions that passed the second factor.
def _admin_login(request, extra_context=None):  # type: ignore[no-untyped-def]
    from django.contrib.auth.views import redirect_to_login
    from django.urls import reverse

    return redirect_to_login(request.GET.get("next") or reverse("admin:index"))


def _admin_has_permission(request) -> bool:  # type: ignore[no-untyped-def]
    user = request.user
    return bool(user.is_active and user.is_staff and user.is_verified())


admin.site.login = _admin_login  # type: ignore[method-assign]
admin.site.has_permission = _admin_has_permission  # type: ignore[method-assign]

# Every change made in the admin (a password, the administrator flags and permissions of an
# account, a TOTP device deleted) asks for a fresh code when the session's last check is
# older than settings.CCHC_RECHECK_MINUTES, as the pages of the platform do
# (views.recent_check_required): one place, the admin's own wrapper of its views.
_plain_admin_view = admin.site.admin_view


def _admin_view(view, cacheable=False):  # type: ignore[no-untyped-def]
    import functools

    from django.shortcuts import redirect
    from django.urls import reverse
    from django.utils.http import urlencode

    from cchc.accounts import second_factor

    inner = _plain_admin_view(view, cacheable)
    if getattr(view, "__name__", "") == "logout":
        return inner

    @functools.wraps(inner)
    def guarded(request, *args, **kwargs):  # type: ignore[no-untyped-def]
        if (
            request.method == "POST"
            and request.user.is_authenticated
            and not second_factor.recently_checked(request.session)
        ):
            target = reverse("accounts:recheck")
            return redirect(f"{target}?{urlencode({'next': request.get_full_path()})}")
        return inner(request, *args, **kwargs)

    return guarded


admin.site.admin_view = _admin_view  # type: ignore[method-assign]


register_event_log(AccountEvent)
