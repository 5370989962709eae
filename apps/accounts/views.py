"""Module 1 endpoints under /api/v1/auth/. Thin: parse, call a service or selector, respond."""

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.generics import ListAPIView
from rest_framework.permissions import AllowAny
from rest_framework.views import APIView

from apps.accounts import selectors, services
from apps.accounts.serializers import (
    BackupCodesSerializer,
    EmailSerializer,
    LoginRequestSerializer,
    LoginSerializer,
    LogoutSerializer,
    MFAConfirmSerializer,
    MFADisableSerializer,
    MFASetupSerializer,
    MFAVerifySerializer,
    PasswordChangeSerializer,
    PasswordResetConfirmSerializer,
    ProfileUpdateSerializer,
    RefreshSerializer,
    RegisterSerializer,
    RevokedCountSerializer,
    SessionRevokeSerializer,
    SessionSerializer,
    TokenPairSerializer,
    UserSerializer,
    VerifyEmailSerializer,
)
from apps.accounts.tokens import SESSION_CLAIM
from apps.core.api.envelope import ok
from apps.core.api.views import ApiView
from apps.core.http import client_ip

TAG = ["auth"]
RESEND_MESSAGE = "If an account with this address is waiting for verification, a new e-mail is on its way."
RESET_MESSAGE = "If an account with this address exists, a password-reset e-mail is on its way."


def message_only(name: str):
    """Schema of a body that carries only a message (already a full envelope)."""
    return inline_serializer(name, fields={"success": serializers.BooleanField(), "message": serializers.CharField()})


def _user_agent(request) -> str:
    return request.META.get("HTTP_USER_AGENT", "")


def current_session_id(request):
    """The `sid` of the access token the request was authenticated with, if any."""
    token = request.auth
    return token.get(SESSION_CLAIM) if hasattr(token, "get") else None


def token_body(pair) -> dict:
    return {
        "access_token": pair.access,
        "refresh_token": pair.refresh,
        "token_type": "bearer",
        "expires_in": pair.expires_in,
    }


class PublicView(ApiView):
    """No authentication: a stale bearer token must not block sign-in. Throttled per IP (public rate)."""

    authentication_classes = []
    permission_classes = [AllowAny]


class RegisterView(PublicView):
    @extend_schema(
        tags=TAG,
        operation_id="auth_register",
        summary="Create an account",
        request=RegisterSerializer,
        responses={201: UserSerializer},
    )
    def post(self, request):
        user = services.user_register(**self.validated(RegisterSerializer))
        return ok(
            UserSerializer(user).data,
            message="Account created. Check your inbox to confirm your e-mail address.",
            status=status.HTTP_201_CREATED,
        )


class VerifyEmailView(PublicView):
    @extend_schema(
        tags=TAG,
        operation_id="auth_verify_email",
        summary="Confirm an e-mail address",
        request=VerifyEmailSerializer,
        responses={200: UserSerializer},
    )
    def post(self, request):
        user = services.email_verify(**self.validated(VerifyEmailSerializer))
        return ok(UserSerializer(user).data, message="E-mail address confirmed. You can sign in now.")


class ResendVerificationView(PublicView):
    @extend_schema(
        tags=TAG,
        operation_id="auth_resend_verification",
        summary="Send the verification e-mail again",
        request=EmailSerializer,
        responses={200: message_only("ResendVerificationResponse")},
    )
    def post(self, request):
        services.email_verification_resend(**self.validated(EmailSerializer))
        return ok(message=RESEND_MESSAGE)


class LoginView(PublicView):
    @extend_schema(
        tags=TAG,
        operation_id="auth_login",
        summary="Sign in with e-mail (or username) and password",
        request=LoginRequestSerializer,
        responses={200: LoginSerializer},
    )
    def post(self, request):
        result = services.user_login(
            **self.validated(LoginRequestSerializer), ip=client_ip(request), user_agent=_user_agent(request)
        )
        if result.mfa_required:
            return ok({"mfa_required": True, "mfa_token": result.mfa_token}, message="Enter your authentication code.")
        return ok({**token_body(result.tokens), "user": UserSerializer(result.user).data, "mfa_required": False})


class MFAVerifyView(PublicView):
    @extend_schema(
        tags=TAG,
        operation_id="auth_mfa_verify",
        summary="Complete an MFA sign-in",
        request=MFAVerifySerializer,
        responses={200: LoginSerializer},
    )
    def post(self, request):
        result = services.mfa_challenge_verify(
            **self.validated(MFAVerifySerializer), ip=client_ip(request), user_agent=_user_agent(request)
        )
        return ok({**token_body(result.tokens), "user": UserSerializer(result.user).data, "mfa_required": False})


class RefreshView(PublicView):
    @extend_schema(
        tags=TAG,
        operation_id="auth_refresh",
        summary="Exchange a refresh token for a new pair",
        request=RefreshSerializer,
        responses={200: TokenPairSerializer},
    )
    def post(self, request):
        pair = services.user_session_refresh(**self.validated(RefreshSerializer))
        return ok(token_body(pair))


class LogoutView(ApiView):
    @extend_schema(
        tags=TAG,
        operation_id="auth_logout",
        summary="End this session",
        request=LogoutSerializer,
        responses={200: message_only("LogoutResponse")},
    )
    def post(self, request):
        data = self.validated(LogoutSerializer)
        services.user_logout(
            actor=request.user, session_id=current_session_id(request), refresh_token=data.get("refresh_token")
        )
        return ok(message="Signed out.")


class MeView(ApiView):
    @extend_schema(tags=TAG, operation_id="auth_me_retrieve", summary="My profile", responses={200: UserSerializer})
    def get(self, request):
        return ok(UserSerializer(request.user).data)

    @extend_schema(
        tags=TAG,
        operation_id="auth_me_update",
        summary="Edit my profile",
        request=ProfileUpdateSerializer,
        responses={200: UserSerializer},
    )
    def patch(self, request):
        data = self.validated(ProfileUpdateSerializer, partial=True)
        user = services.user_profile_update(actor=request.user, data=data)
        return ok(UserSerializer(user).data)


class PasswordChangeView(ApiView):
    @extend_schema(
        tags=TAG,
        operation_id="auth_password_change",
        summary="Change my password (ends my other sessions)",
        request=PasswordChangeSerializer,
        responses={200: RevokedCountSerializer},
    )
    def post(self, request):
        revoked = services.password_change(
            actor=request.user,
            **self.validated(PasswordChangeSerializer),
            session_id=current_session_id(request),
            ip=client_ip(request),
        )
        return ok({"revoked_count": revoked}, message="Password changed. Your other sessions were signed out.")


class PasswordResetView(PublicView):
    @extend_schema(
        tags=TAG,
        operation_id="auth_password_reset",
        summary="E-mail a password-reset link",
        request=EmailSerializer,
        responses={200: message_only("PasswordResetResponse")},
    )
    def post(self, request):
        services.password_reset_request(**self.validated(EmailSerializer))
        return ok(message=RESET_MESSAGE)


class PasswordResetConfirmView(PublicView):
    @extend_schema(
        tags=TAG,
        operation_id="auth_password_reset_confirm",
        summary="Set a new password with the e-mailed token (ends every session)",
        request=PasswordResetConfirmSerializer,
        responses={200: message_only("PasswordResetConfirmResponse")},
    )
    def post(self, request):
        services.password_reset_confirm(**self.validated(PasswordResetConfirmSerializer))
        return ok(message="Password reset. Sign in with your new password.")


class MFAEnableView(APIView):
    @extend_schema(
        tags=TAG,
        operation_id="auth_mfa_enable",
        summary="Start TOTP set-up",
        request=None,
        responses={200: MFASetupSerializer},
    )
    def post(self, request):
        return ok(services.mfa_enable(actor=request.user), message="Scan the QR code, then confirm with a code.")


class MFAConfirmView(ApiView):
    @extend_schema(
        tags=TAG,
        operation_id="auth_mfa_confirm",
        summary="Turn MFA on with a TOTP code",
        request=MFAConfirmSerializer,
        responses={200: BackupCodesSerializer},
    )
    def post(self, request):
        codes = services.mfa_confirm(actor=request.user, **self.validated(MFAConfirmSerializer))
        return ok({"backup_codes": codes}, message="MFA is on. Store these backup codes somewhere safe.")


class MFADisableView(ApiView):
    @extend_schema(
        tags=TAG,
        operation_id="auth_mfa_disable",
        summary="Turn MFA off",
        request=MFADisableSerializer,
        responses={200: message_only("MFADisableResponse")},
    )
    def post(self, request):
        services.mfa_disable(actor=request.user, **self.validated(MFADisableSerializer), ip=client_ip(request))
        return ok(message="MFA is off.")


class MFABackupCodesRegenerateView(APIView):
    @extend_schema(
        tags=TAG,
        operation_id="auth_mfa_backup_codes_regenerate",
        summary="Replace my backup codes",
        request=None,
        responses={200: BackupCodesSerializer},
    )
    def post(self, request):
        codes = services.mfa_backup_codes_regenerate(actor=request.user)
        return ok({"backup_codes": codes}, message="New backup codes; the old ones no longer work.")


class SessionListView(ListAPIView):
    serializer_class = SessionSerializer
    filter_backends = []

    def get_queryset(self):
        return selectors.session_list(user=self.request.user)

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "current_session_id": current_session_id(self.request)}

    @extend_schema(tags=TAG, operation_id="auth_sessions_list", summary="My active sessions")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class SessionRevokeView(ApiView):
    @extend_schema(
        tags=TAG,
        operation_id="auth_sessions_revoke",
        summary="End one of my sessions",
        request=SessionRevokeSerializer,
        responses={200: message_only("SessionRevokeResponse")},
    )
    def post(self, request):
        services.user_session_revoke(actor=request.user, **self.validated(SessionRevokeSerializer))
        return ok(message="Session ended.")


class SessionRevokeAllView(APIView):
    @extend_schema(
        tags=TAG,
        operation_id="auth_sessions_revoke_all",
        summary="End all my sessions but this one",
        request=None,
        responses={200: RevokedCountSerializer},
    )
    def post(self, request):
        revoked = services.user_sessions_revoke_all(
            user=request.user,
            actor=request.user,
            except_session_id=current_session_id(request),
            reason="revoke_all",
        )
        return ok({"revoked_count": revoked}, message="Your other sessions were signed out.")
