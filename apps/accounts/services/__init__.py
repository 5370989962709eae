"""Identity and access use cases (module 1): registration, verification, login with lockout and MFA,
sessions and their tokens, password change and reset, profile, and the admin's lock/unlock.

Every write runs in its own transaction. Failed attempts are committed before the error is raised,
so a lockout counter can never be rolled back by the failure it counts. E-mails are sent by Celery
tasks scheduled on commit; the e-mailed token is created inside the task, so it never travels
through the broker and public endpoints answer in the same time whether or not an address exists.

One module per concern: `sessions` (tokens, refresh, logout, revocation), `lockout` (failure
counting, admin lock/unlock), `login`, `registration` (sign-up, e-mail verification, profile),
`password` (change and reset), `emails` (e-mailed single-use tokens), `mfa` and `retention`.
This package re-exports their public names: import from `apps.accounts.services`.
"""

from apps.accounts.services.emails import EMAIL_RESEND_SECONDS, INVALID_LINK
from apps.accounts.services.lockout import INVALID_CREDENTIALS, user_lock, user_unlock
from apps.accounts.services.login import LoginResult, mfa_challenge_verify, user_login
from apps.accounts.services.mfa import (
    BACKUP_CODE_ALPHABET,
    BACKUP_CODE_COUNT,
    MFA_ISSUER,
    mfa_backup_codes_regenerate,
    mfa_confirm,
    mfa_disable,
    mfa_enable,
)
from apps.accounts.services.password import (
    password_change,
    password_reset_confirm,
    password_reset_request,
    password_reset_send,
)
from apps.accounts.services.registration import (
    email_verification_resend,
    email_verification_send,
    email_verify,
    user_profile_update,
    user_register,
)
from apps.accounts.services.retention import ENDED_SESSION_RETENTION, credentials_purge_expired
from apps.accounts.services.sessions import (
    SESSION_CACHE_SECONDS,
    SESSION_TOUCH_SECONDS,
    session_cache_key,
    session_state_key,
    session_touch_key,
    user_logout,
    user_session_refresh,
    user_session_revoke,
    user_sessions_revoke_all,
    user_token_pair_issue,
)

__all__ = [
    "BACKUP_CODE_ALPHABET",
    "BACKUP_CODE_COUNT",
    "EMAIL_RESEND_SECONDS",
    "ENDED_SESSION_RETENTION",
    "INVALID_CREDENTIALS",
    "INVALID_LINK",
    "MFA_ISSUER",
    "SESSION_CACHE_SECONDS",
    "SESSION_TOUCH_SECONDS",
    "LoginResult",
    "credentials_purge_expired",
    "email_verification_resend",
    "email_verification_send",
    "email_verify",
    "mfa_backup_codes_regenerate",
    "mfa_challenge_verify",
    "mfa_confirm",
    "mfa_disable",
    "mfa_enable",
    "password_change",
    "password_reset_confirm",
    "password_reset_request",
    "password_reset_send",
    "session_cache_key",
    "session_state_key",
    "session_touch_key",
    "user_lock",
    "user_login",
    "user_logout",
    "user_profile_update",
    "user_register",
    "user_session_refresh",
    "user_session_revoke",
    "user_sessions_revoke_all",
    "user_token_pair_issue",
    "user_unlock",
]
