"""Module 1 request and response shapes. Rules (uniqueness, password strength, lockout) live in services."""

from django.core.validators import RegexValidator
from rest_framework import serializers

from apps.accounts.models import User, UserSession
from apps.core.api.serializers import StrictInputMixin

USERNAME_VALIDATOR = RegexValidator(
    r"^[A-Za-z0-9_.-]{3,150}$", "3 to 150 letters, digits, dots, hyphens or underscores.", code="invalid_username"
)


def password_field(**kwargs) -> serializers.CharField:
    return serializers.CharField(write_only=True, trim_whitespace=False, max_length=128, **kwargs)


def code_field(max_length: int, **kwargs) -> serializers.CharField:
    return serializers.CharField(max_length=max_length, required=False, allow_blank=False, **kwargs)


# --- Output ----------------------------------------------------------------------------------------


class UserSerializer(serializers.ModelSerializer):
    roles = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = User
        fields = [
            "id",
            "email",
            "username",
            "full_name",
            "status",
            "email_verified_at",
            "mfa_enabled",
            "roles",
            "created_at",
        ]
        read_only_fields = fields


class TokenPairSerializer(serializers.Serializer):
    access_token = serializers.CharField()
    refresh_token = serializers.CharField()
    token_type = serializers.CharField(help_text="Always `bearer`.")
    expires_in = serializers.IntegerField(help_text="Seconds until the access token expires.")


class LoginSerializer(serializers.Serializer):
    """Tokens and the user, or (MFA on) only `mfa_required: true` and the `mfa_token` for /auth/mfa/verify."""

    mfa_required = serializers.BooleanField()
    mfa_token = serializers.CharField(required=False, help_text="Only when mfa_required; valid 5 minutes, single use.")
    access_token = serializers.CharField(required=False)
    refresh_token = serializers.CharField(required=False)
    token_type = serializers.CharField(required=False, help_text="Always `bearer`.")
    expires_in = serializers.IntegerField(required=False, help_text="Seconds until the access token expires.")
    user = UserSerializer(required=False)


class SessionSerializer(serializers.ModelSerializer):
    is_current = serializers.SerializerMethodField()

    class Meta:
        model = UserSession
        fields = ["id", "user_agent", "ip_address", "created_at", "last_activity", "is_current"]
        read_only_fields = fields

    def get_is_current(self, session) -> bool:
        return str(session.pk) == str(self.context.get("current_session_id"))


class MFASetupSerializer(serializers.Serializer):
    secret = serializers.CharField(help_text="Base32 TOTP secret, for manual entry.")
    otpauth_uri = serializers.CharField()
    qr_code = serializers.CharField(help_text="PNG data URL of the otpauth URI.")


class BackupCodesSerializer(serializers.Serializer):
    backup_codes = serializers.ListField(child=serializers.CharField(), help_text="Shown once; each works once.")


class RevokedCountSerializer(serializers.Serializer):
    revoked_count = serializers.IntegerField()


# --- Input -----------------------------------------------------------------------------------------


class RegisterSerializer(StrictInputMixin, serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    username = serializers.CharField(max_length=150, validators=[USERNAME_VALIDATOR])
    password = password_field()
    full_name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class VerifyEmailSerializer(StrictInputMixin, serializers.Serializer):
    user_id = serializers.UUIDField()
    token = serializers.CharField(max_length=200)


class EmailSerializer(StrictInputMixin, serializers.Serializer):
    email = serializers.EmailField(max_length=254)


class LoginRequestSerializer(StrictInputMixin, serializers.Serializer):
    email = serializers.EmailField(max_length=254, required=False, help_text="E-mail address (or give `username`).")
    username = serializers.CharField(max_length=150, required=False)
    password = password_field()

    def validate(self, attrs):
        if bool(attrs.get("email")) == bool(attrs.get("username")):
            raise serializers.ValidationError({"email": ["Give either email or username."]})
        return attrs


class MFAVerifySerializer(StrictInputMixin, serializers.Serializer):
    mfa_token = serializers.CharField(max_length=2000)
    totp_code = code_field(10, help_text="6-digit code from the authenticator app.")
    backup_code = code_field(32, help_text="One of the backup codes (instead of totp_code).")

    def validate(self, attrs):
        if bool(attrs.get("totp_code")) == bool(attrs.get("backup_code")):
            raise serializers.ValidationError({"totp_code": ["Give either totp_code or backup_code."]})
        return attrs


class RefreshSerializer(StrictInputMixin, serializers.Serializer):
    refresh_token = serializers.CharField(max_length=2000)


class LogoutSerializer(StrictInputMixin, serializers.Serializer):
    refresh_token = serializers.CharField(max_length=2000, required=False, help_text="Also ends this token's session.")


class ProfileUpdateSerializer(StrictInputMixin, serializers.Serializer):
    full_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    username = serializers.CharField(max_length=150, required=False, validators=[USERNAME_VALIDATOR])


class PasswordChangeSerializer(StrictInputMixin, serializers.Serializer):
    current_password = password_field()
    new_password = password_field()


class PasswordResetConfirmSerializer(StrictInputMixin, serializers.Serializer):
    user_id = serializers.UUIDField()
    token = serializers.CharField(max_length=200)
    new_password = password_field()


class MFAConfirmSerializer(StrictInputMixin, serializers.Serializer):
    totp_code = serializers.CharField(max_length=10)


class MFADisableSerializer(StrictInputMixin, serializers.Serializer):
    password = password_field()
    totp_code = code_field(10)
    backup_code = code_field(32, help_text="Instead of totp_code when the authenticator is lost.")

    def validate(self, attrs):
        if bool(attrs.get("totp_code")) == bool(attrs.get("backup_code")):
            raise serializers.ValidationError({"totp_code": ["Give either totp_code or backup_code."]})
        return attrs


class SessionRevokeSerializer(StrictInputMixin, serializers.Serializer):
    session_id = serializers.UUIDField()
