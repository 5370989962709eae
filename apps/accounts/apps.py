from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "apps.accounts"
    label = "accounts"
    verbose_name = "Identity and access"

    def ready(self) -> None:
        from apps.accounts import schema  # noqa: F401  (registers the OpenAPI bearer scheme)
        from apps.accounts.models import User
        from apps.core.audit import register_audited

        # Status and privilege changes only: no personal data (erasure must not leave it in old diffs),
        # never the password hash, MFA secret or lockout counters.
        register_audited(
            User,
            include_fields=["status", "is_active", "is_staff", "is_superuser"],
        )
