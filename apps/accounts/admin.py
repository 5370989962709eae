"""Admin console for identity: users and their sessions. Never shows a password hash, MFA secret or
token; actions go through the services so audit rows and session revocation still happen."""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm
from django.utils import timezone
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

from apps.accounts import services
from apps.accounts.choices import UserStatus
from apps.accounts.models import User, UserSession
from apps.core.exceptions import DomainError

# simplejwt's own admin lists raw refresh tokens: token material has no place in the console.
for model in (OutstandingToken, BlacklistedToken):
    if admin.site.is_registered(model):
        admin.site.unregister(model)


class UserCreationForm(AdminUserCreationForm):
    """Runs the password validators (length and complexity rules) like every other password entry."""

    class Meta:
        model = User
        fields = ("email", "username", "full_name")


class UserChangeForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ("email", "username", "full_name", "status", "is_active", "is_staff", "is_superuser", "groups")


class LockStateFilter(admin.SimpleListFilter):
    title = "lockout"
    parameter_name = "locked"

    def lookups(self, request, model_admin):
        return [("yes", "Locked now"), ("no", "Not locked")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(locked_until__gt=timezone.now())
        if self.value() == "no":
            return queryset.exclude(locked_until__gt=timezone.now())
        return queryset


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = UserChangeForm
    add_form = UserCreationForm
    list_display = ["email", "username", "full_name", "status", "mfa_enabled", "is_staff", "locked_until", "created_at"]
    list_filter = ["status", "mfa_enabled", "is_staff", "is_superuser", "is_active", LockStateFilter]
    search_fields = ["email", "username", "full_name"]
    ordering = ["email"]
    readonly_fields = [
        "id",
        "email_verified_at",
        "mfa_enabled",
        "failed_login_count",
        "last_failed_login_at",
        "locked_until",
        "last_login",
        "created_at",
        "updated_at",
    ]
    fieldsets = [
        (None, {"fields": ["id", "email", "username", "full_name", "status", "email_verified_at"]}),
        ("Security", {"fields": ["mfa_enabled", "failed_login_count", "last_failed_login_at", "locked_until"]}),
        ("Permissions", {"fields": ["is_active", "is_staff", "is_superuser", "groups"]}),
        ("Dates", {"fields": ["last_login", "created_at", "updated_at"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "username", "full_name", "password1", "password2"]}),
    ]
    filter_horizontal = ["groups"]
    actions = ["lock_accounts", "unlock_accounts", "force_logout"]

    def has_delete_permission(self, request, obj=None):
        """Accounts are never hard-deleted: the append-only audit trail refers to them. Lock an
        account, or erase it through GDPR erasure (pseudonymisation), instead."""
        return False

    def get_form(self, request, obj=None, **kwargs):
        form_class = super().get_form(request, obj, **kwargs)
        if obj is None or obj.pk != request.user.pk:
            return form_class

        class OwnAccountForm(form_class):
            def clean(self):
                """Nobody signs themselves out of the console by editing their own account."""
                cleaned = super().clean()
                status, is_active = cleaned.get("status", obj.status), cleaned.get("is_active", obj.is_active)
                if status != UserStatus.ACTIVE or not is_active:
                    raise forms.ValidationError("You cannot suspend or deactivate your own account.")
                return cleaned

        return OwnAccountForm

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and {"status", "is_active"} & set(form.changed_data) and not obj.may_sign_in:
            # Suspended or deactivated in the form: its sessions end as with the lock action, so a
            # later reactivation does not revive them.
            services.user_sessions_revoke_all(user=obj, actor=request.user, reason="account_locked")

    @admin.action(description="Lock (suspend) selected accounts and sign them out")
    def lock_accounts(self, request, queryset):
        locked = 0
        for user in queryset:
            try:
                services.user_lock(actor=request.user, user=user)
            except DomainError as exc:
                self.message_user(request, f"{user.email}: {exc.message}", messages.ERROR)
            else:
                locked += 1
        if locked:
            self.message_user(request, f"{locked} account(s) locked.", messages.SUCCESS)

    @admin.action(description="Unlock selected accounts (lift lockout or suspension)")
    def unlock_accounts(self, request, queryset):
        for user in queryset:
            services.user_unlock(actor=request.user, user=user)
        self.message_user(request, f"{queryset.count()} account(s) unlocked.", messages.SUCCESS)

    @admin.action(description="Sign selected users out everywhere")
    def force_logout(self, request, queryset):
        ended = 0
        for user in queryset:
            ended += services.user_sessions_revoke_all(user=user, actor=request.user, reason="admin_force_logout")
            if user.pk == request.user.pk:
                # Signing yourself out everywhere keeps the session you asked from (like the API's revoke-all).
                update_session_auth_hash(request, user)
        self.message_user(request, f"{ended} session(s) ended.", messages.SUCCESS)


class SessionStateFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("active", "Active"), ("revoked", "Revoked"), ("expired", "Expired")]

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "active":
            return queryset.filter(revoked_at__isnull=True, expires_at__gt=now)
        if self.value() == "revoked":
            return queryset.filter(revoked_at__isnull=False)
        if self.value() == "expired":
            return queryset.filter(revoked_at__isnull=True, expires_at__lte=now)
        return queryset


@admin.register(UserSession)
class UserSessionAdmin(admin.ModelAdmin):
    list_display = ["id", "user", "ip_address", "user_agent", "created_at", "last_activity", "expires_at", "revoked_at"]
    list_filter = [SessionStateFilter, "created_at"]
    search_fields = ["user__email", "ip_address", "user_agent"]
    list_select_related = ["user"]
    fields = ["id", "user", "ip_address", "user_agent", "created_at", "last_activity", "expires_at", "revoked_at"]
    readonly_fields = fields
    actions = ["revoke_sessions"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description="Revoke selected sessions", permissions=["delete"])
    def revoke_sessions(self, request, queryset):
        ended = 0
        for session in queryset.filter(revoked_at__isnull=True).select_related("user"):
            services.user_session_revoke(actor=request.user, user=session.user, session_id=session.pk)
            ended += 1
        self.message_user(request, f"{ended} session(s) revoked.", messages.SUCCESS)
