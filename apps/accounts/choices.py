from django.db import models


class UserStatus(models.TextChoices):
    PENDING_VERIFICATION = "pending_verification", "Pending verification"
    ACTIVE = "active", "Active"
    SUSPENDED = "suspended", "Suspended"
    DELETED = "deleted", "Deleted"


class OneTimeTokenPurpose(models.TextChoices):
    EMAIL_VERIFICATION = "email_verification", "E-mail verification"
    PASSWORD_RESET = "password_reset", "Password reset"
