"""PronaFlow's user: UUID primary key, unique e-mail and username."""

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from apps.accounts.choices import UserStatus
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
