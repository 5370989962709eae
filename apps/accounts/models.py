"""PronaFlow's user (UUID primary key, unique e-mail and username) and the identity records around it:
login sessions, e-mailed one-time tokens and MFA backup codes."""

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.contrib.auth.password_validation import validate_password
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.crypto import salted_hmac

from apps.accounts.choices import OneTimeTokenPurpose, UserStatus
from apps.core.models import TimeStampedModel, UUIDModel


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create(self, email, username, password, **fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), username=username, **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, username, password=None, **fields):
        fields.setdefault("is_staff", False)
        fields.setdefault("is_superuser", False)
        return self._create(email, username, password, **fields)

    def create_superuser(self, email, username, password=None, **fields):
        fields.update(is_staff=True, is_superuser=True, status=UserStatus.ACTIVE)
        fields.setdefault("email_verified_at", timezone.now())
        if password is not None:
            # `createsuperuser --noinput` (and its interactive "bypass" answer) skip the validators;
            # staff accounts are the last place a weak password belongs.
            validate_password(password, self.model(email=email, username=username, **fields))
        return self._create(email, username, password, **fields)

    def get_by_natural_key(self, email):
        return self.get(email__iexact=email)


class User(UUIDModel, TimeStampedModel, AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(max_length=254, unique=True, help_text="Stored lower-cased.")
    username = models.CharField(max_length=150)
    full_name = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=32, choices=UserStatus.choices, default=UserStatus.PENDING_VERIFICATION)
    email_verified_at = models.DateTimeField(null=True, blank=True)
    is_staff = models.BooleanField(default=False, help_text="May log in to the admin console.")
    is_active = models.BooleanField(default=True)
    # Lockout: consecutive failed logins (password or MFA code) and the end of the current lock.
    failed_login_count = models.PositiveIntegerField(default=0, editable=False)
    last_failed_login_at = models.DateTimeField(null=True, blank=True, editable=False)
    locked_until = models.DateTimeField(null=True, blank=True, editable=False)
    # TOTP: the secret is encrypted at rest (apps.accounts.crypto); set during enable, live once confirmed.
    mfa_enabled = models.BooleanField(default=False, editable=False)
    mfa_secret = models.TextField(blank=True, editable=False)
    # Time step of the last accepted TOTP code: a code is never accepted twice.
    mfa_last_used_step = models.BigIntegerField(null=True, blank=True, editable=False)
    # Bumped by "sign out everywhere" (and lock, password change, erasure): it is part of the admin
    # session's auth hash, so every cookie session of the user ends with the API sessions.
    session_version = models.PositiveIntegerField(default=0, editable=False)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["username"]

    class Meta:
        ordering = ["email"]
        constraints = [
            models.UniqueConstraint(Lower("username"), name="accounts_user_username_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.email

    def get_full_name(self) -> str:
        return self.full_name or self.username

    def get_short_name(self) -> str:
        return self.username

    @property
    def roles(self) -> list[str]:
        """Platform roles for the `roles` claim; workspace roles are per workspace, not global."""
        roles = ["user"]
        if self.is_staff:
            roles.append("staff")
        if self.is_superuser:
            roles.append("admin")
        return roles

    @property
    def may_sign_in(self) -> bool:
        """The one rule for "may this account sign in and keep a session", in the API (login,
        refresh, bearer authentication) and in the admin (password login and cookie sessions, through
        `apps.accounts.backends.AccountBackend`): `is_active` and status `active`."""
        return self.is_active and self.status == UserStatus.ACTIVE

    def _get_session_auth_hash(self, secret=None):
        # Django's hash of the password, plus the session version: a cookie session outlives neither
        # a password change nor a "sign out everywhere".
        key_salt = "apps.accounts.models.User.get_session_auth_hash"
        value = f"{self.password}:{self.session_version}"
        return salted_hmac(key_salt, value, secret=secret, algorithm="sha256").hexdigest()

    @property
    def is_locked(self) -> bool:
        return self.locked_until is not None and self.locked_until > timezone.now()


class UserSession(UUIDModel):
    """One login: its refresh tokens rotate within it; its id is the `sid` claim of both tokens."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sessions")
    user_agent = models.CharField(max_length=512, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_activity = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(help_text="Expiry of the newest refresh token.")
    revoked_at = models.DateTimeField(null=True, blank=True)
    # The only refresh token of this session that may still be used (older ones were rotated away).
    refresh_jti = models.CharField(max_length=255, editable=False)

    class Meta:
        ordering = ["-last_activity"]
        indexes = [models.Index(fields=["user", "revoked_at"])]

    def __str__(self) -> str:
        return f"session {self.pk} of {self.user_id}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()


class OneTimeToken(UUIDModel):
    """An e-mailed single-use token (verification, password reset); only its SHA-256 is stored."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="one_time_tokens")
    purpose = models.CharField(max_length=32, choices=OneTimeTokenPurpose.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "purpose"])]

    def __str__(self) -> str:
        return f"{self.purpose} token of {self.user_id}"


class MFABackupCode(UUIDModel):
    """A one-time MFA backup code; only a keyed hash is stored."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mfa_backup_codes")
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "code_hash"], name="accounts_backup_code_unique")]

    def __str__(self) -> str:
        return f"backup code of {self.user_id}"
