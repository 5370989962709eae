"""Module 1 routes (under /api/v1/)."""

from django.urls import path

from apps.accounts import views

app_name = "accounts"

urlpatterns = [
    path("auth/register", views.RegisterView.as_view(), name="register"),
    path("auth/verify-email", views.VerifyEmailView.as_view(), name="verify-email"),
    path("auth/resend-verification", views.ResendVerificationView.as_view(), name="resend-verification"),
    path("auth/login", views.LoginView.as_view(), name="login"),
    path("auth/mfa/verify", views.MFAVerifyView.as_view(), name="mfa-verify"),
    path("auth/refresh", views.RefreshView.as_view(), name="refresh"),
    path("auth/logout", views.LogoutView.as_view(), name="logout"),
    path("auth/me", views.MeView.as_view(), name="me"),
    path("auth/password-change", views.PasswordChangeView.as_view(), name="password-change"),
    path("auth/password-reset", views.PasswordResetView.as_view(), name="password-reset"),
    path("auth/password-reset/confirm", views.PasswordResetConfirmView.as_view(), name="password-reset-confirm"),
    path("auth/mfa/enable", views.MFAEnableView.as_view(), name="mfa-enable"),
    path("auth/mfa/confirm", views.MFAConfirmView.as_view(), name="mfa-confirm"),
    path("auth/mfa/disable", views.MFADisableView.as_view(), name="mfa-disable"),
    path(
        "auth/mfa/backup-codes/regenerate",
        views.MFABackupCodesRegenerateView.as_view(),
        name="mfa-backup-codes-regenerate",
    ),
    path("auth/sessions", views.SessionListView.as_view(), name="sessions"),
    path("auth/sessions/revoke", views.SessionRevokeView.as_view(), name="sessions-revoke"),
    path("auth/sessions/revoke-all", views.SessionRevokeAllView.as_view(), name="sessions-revoke-all"),
]
