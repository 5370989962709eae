"""PronaFlow settings. Everything comes from the environment (see .env.example).

With nothing set, PronaFlow runs on the embedded default: SQLite, a local-memory cache,
Celery tasks executed in-process, and e-mail printed to the console.
"""

from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    # Development only: a fixed, obviously insecure key so sessions survive restarts.
    SECRET_KEY = "dev-insecure-pronaflow-key-change-me-0123456789abcdefghijklmnopqrstuvwxyz"  # noqa: S105

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CORS_ALLOWED_ORIGINS = env.list("CORS_ALLOWED_ORIGINS", default=[])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
FRONTEND_URL = env.str("FRONTEND_URL", default="http://localhost:3000").rstrip("/")

INSTALLED_APPS = [
    "apps.backoffice.apps.PronaFlowAdminConfig",  # django.contrib.admin with the dashboard
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "rest_framework_simplejwt.token_blacklist",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "corsheaders",
    "django_celery_beat",
    "auditlog",
    "apps.core",
    "apps.accounts",
    "apps.workspaces",
    "apps.projects",
    "apps.tasks",
    "apps.scheduling",
    "apps.collaboration",
    "apps.events",
    "apps.notifications",
    "apps.personalization",
    "apps.archive",
    "apps.analytics",
    "apps.integrations",
    "apps.backoffice",
]

MIDDLEWARE = [
    "apps.core.middleware.RequestIDMiddleware",
    "apps.core.middleware.UnreadBodyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "apps.core.middleware.RateLimitHeadersMiddleware",
    "apps.core.middleware.ApiNoStoreMiddleware",
    "apps.core.middleware.ChunkedBodyMiddleware",
    "apps.core.audit.AuditContextMiddleware",
    "apps.core.idempotency.IdempotencyMiddleware",
]

ROOT_URLCONF = "pronaflow.urls"
WSGI_APPLICATION = "pronaflow.wsgi.application"
ASGI_APPLICATION = "pronaflow.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Data stores -------------------------------------------------------------------------

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DB_CONN_MAX_AGE", default=60))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
USING_POSTGRES = DATABASES["default"]["ENGINE"].endswith("postgresql")
if USING_POSTGRES:
    # psycopg prepares only what asks for it (apps.core.db.prepared_cursor: the statements every request
    # runs); Django's own cursors bind in the client and never prepare. None would refuse even those.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("prepare_threshold", 2**31 - 1)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "pronaflow",
            # Fail fast when Redis is down: health reports it, rate limiting fails open.
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Celery ------------------------------------------------------------------------------

CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "memory://localhost/")
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=REDIS_URL or None)
# Without a broker, tasks run in-process so a fresh laptop needs nothing else.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=300)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=360)
CELERY_RESULT_EXPIRES = timedelta(days=1)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Nothing reads task results: publishing must not subscribe to the result store (with Redis down that
# alone stalled a request for about 20 s in Celery's reconnect loop).
CELERY_TASK_IGNORE_RESULT = True
# Short broker timeouts: a publish from a request fails in about a second instead of hanging; the
# worker keeps its own reconnect loop (broker_connection_retry) and the relays re-queue lost work.
CELERY_BROKER_CONNECTION_TIMEOUT = env.float("CELERY_BROKER_CONNECTION_TIMEOUT", default=2.0)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 3600,
    "socket_timeout": 2.0,
    "socket_connect_timeout": 2.0,
    # Connection retries when a producer opens a channel (kombu's default retries forever).
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
CELERY_REDIS_SOCKET_TIMEOUT = 2.0
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = 2.0
# apps.core.queueing: how long a request waits for the broker to accept a task (seconds), and how
# long publishing is skipped after a broker failure (the relays queue that work later).
TASK_PUBLISH_WAIT_SECONDS = env.float("TASK_PUBLISH_WAIT_SECONDS", default=0.5)
TASK_PUBLISH_PAUSE_SECONDS = env.float("TASK_PUBLISH_PAUSE_SECONDS", default=5.0)
# Job rows (export jobs, report runs, chain verifications) still waiting this long after their task
# was handed to the broker are queued again by their relay beat job (apps.core.queueing.relay_stale).
TASK_RELAY_GRACE_SECONDS = env.float("TASK_RELAY_GRACE_SECONDS", default=300.0)
# A publish still running after this long means the broker hangs (it opens the circuit); a slower
# confirmation alone does not: on a busy machine it is usually just late.
TASK_PUBLISH_HANG_SECONDS = env.float("TASK_PUBLISH_HANG_SECONDS", default=2.0)
# Queues: slow work gets its own, so a slow webhook receiver or mail server cannot hold the worker
# slots of event dispatch and notifications. Run one worker per queue in production
# (`celery -A pronaflow worker -Q celery`, `-Q webhooks`, `-Q email`); `make worker` consumes all three.
CELERY_TASK_DEFAULT_QUEUE = "celery"
WORKER_QUEUES = ("celery", "webhooks", "email")
CELERY_TASK_ROUTES = {
    # Webhook deliveries: apps.integrations' webhooks and apps.events' webhook consumers.
    "*.webhook_deliver_task": {"queue": "webhooks"},
    # E-mail: notifications, digests, event-consumer e-mails, verification and reset links.
    "*.email_notifications_send_task": {"queue": "email"},
    "*.digests_send_due_task": {"queue": "email"},
    "*.consumer_email_deliver_task": {"queue": "email"},
    "*.email_verification_send_task": {"queue": "email"},
    "*.password_reset_send_task": {"queue": "email"},
}
# django-celery-beat's database scheduler, made to survive database restarts (pronaflow/beat.py).
CELERY_BEAT_SCHEDULER = "pronaflow.beat:ResilientDatabaseScheduler"
BEAT_DB_RETRY_SECONDS = env.float("BEAT_DB_RETRY_SECONDS", default=5.0)
# A file beat touches on every tick (empty: none), for health checks of the beat process.
BEAT_HEARTBEAT_FILE = env.str("BEAT_HEARTBEAT_FILE", default="")
# Keep workers' database connections between tasks (pronaflow/celery.py closes old or broken ones
# as Django does between requests); without it Celery reconnects for every task.
CELERY_DB_REUSE_MAX = env.int("CELERY_DB_REUSE_MAX", default=10000)
CELERY_TIMEZONE = "UTC"

# --- Auth --------------------------------------------------------------------------------

AUTH_USER_MODEL = "accounts.User"
# The admin's password login and cookie sessions follow the API's sign-in rule (User.may_sign_in).
AUTHENTICATION_BACKENDS = ["apps.accounts.backends.AccountBackend"]
# The tenant: the model the event spine scopes events and consumers to (like AUTH_USER_MODEL, so the
# spine names no work-domain model itself).
TENANT_MODEL = "workspaces.Workspace"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "apps.accounts.validators.PasswordComplexityValidator"},
]
PASSWORD_HASHERS = env.list(
    "PASSWORD_HASHERS",
    default=[
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    ],
)

SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=env.int("JWT_ACCESS_MINUTES", default=30)),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=env.int("JWT_REFRESH_DAYS", default=7)),
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "UPDATE_LAST_LOGIN": False,
    "ALGORITHM": "HS256",
    "SIGNING_KEY": env.str("JWT_SIGNING_KEY", default=SECRET_KEY),
    "AUTH_HEADER_TYPES": ("Bearer",),
    "USER_ID_FIELD": "id",
    "USER_ID_CLAIM": "sub",
}
EMAIL_VERIFICATION_HOURS = env.int("EMAIL_VERIFICATION_HOURS", default=24)
PASSWORD_RESET_MINUTES = env.int("PASSWORD_RESET_MINUTES", default=15)
LOGIN_LOCKOUT_ATTEMPTS = env.int("LOGIN_LOCKOUT_ATTEMPTS", default=5)
LOGIN_LOCKOUT_MINUTES = env.int("LOGIN_LOCKOUT_MINUTES", default=15)
# Failed logins (any account, known or not) one client IP may make per lockout window before its
# login and MFA attempts answer 429.
LOGIN_IP_FAILURE_LIMIT = env.int("LOGIN_IP_FAILURE_LIMIT", default=20)
INVITATION_EXPIRY_DAYS = env.int("INVITATION_EXPIRY_DAYS", default=7)

# --- REST API ----------------------------------------------------------------------------

RATE_LIMIT_USER = env.str("RATE_LIMIT_USER", default="100/min")
RATE_LIMIT_ANON = env.str("RATE_LIMIT_ANON", default="30/min")
# Requests per window for each API-token tier (module 12).
RATE_LIMIT_TIERS = {
    "free": env.str("RATE_LIMIT_TIER_FREE", default="60/min"),
    "pro": env.str("RATE_LIMIT_TIER_PRO", default="1000/min"),
    "enterprise": env.str("RATE_LIMIT_TIER_ENTERPRISE", default="5000/min"),
}
# Largest request body read (bytes); a larger one answers 413 PAYLOAD_TOO_LARGE. JSON bodies may also
# nest at most apps.core.api.parsers.JSON_MAX_DEPTH (64) levels (400 INVALID_REQUEST beyond).
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=2_621_440)
# Trusted reverse proxies in front of the app, for the client IP (X-Forwarded-For).
NUM_PROXIES = env.int("NUM_PROXIES", default=0)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "apps.integrations.authentication.ApiTokenAuthentication",
        "apps.accounts.authentication.JWTAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "apps.integrations.permissions.TokenScopePermission",
    ],
    "DEFAULT_THROTTLE_CLASSES": [
        "apps.core.api.throttling.ApiRateThrottle",
        "apps.core.idempotency.IdempotencyGate",  # Idempotency-Key on POSTs, once authenticated
    ],
    "DEFAULT_RENDERER_CLASSES": ["apps.core.api.renderers.EnvelopeJSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["apps.core.api.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "apps.core.api.pagination.PagePagination",
    "DEFAULT_METADATA_CLASS": "apps.core.api.metadata.MinimalMetadata",
    "DEFAULT_FILTER_BACKENDS": [
        "apps.core.api.filters.StrictFilterBackend",
        "apps.core.api.filters.SortFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "apps.core.api.schema.EnvelopeAutoSchema",
    "EXCEPTION_HANDLER": "apps.core.api.exceptions.api_exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "PAGE_SIZE": 20,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "PronaFlow API",
    "DESCRIPTION": (
        "Project-management platform API. Every response uses the PronaFlow envelope: "
        '`{"success": true, "data": ...}` or `{"success": false, "error": {code, message, details}, '
        '"timestamp"}`. Authenticate with `Authorization: Bearer <access token or prona_ API token>`.'
    ),
    "VERSION": "1.2.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SWAGGER_UI_SETTINGS": {"persistAuthorization": True, "displayOperationId": False},
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    # Several apps have a "status", "role" or "type": give each choice set its own component name.
    "ENUM_NAME_OVERRIDES": {
        "UserStatusEnum": "apps.accounts.choices.UserStatus",
        "WorkspaceRoleEnum": "apps.workspaces.choices.WorkspaceRole",
        "WorkspaceTypeEnum": "apps.workspaces.choices.WorkspaceType",
        "InvitationStatusEnum": "apps.workspaces.choices.InvitationStatus",
        "ProjectRoleEnum": "apps.projects.choices.ProjectRole",
        "ProjectStatusEnum": "apps.projects.choices.ProjectStatus",
        "TaskStatusEnum": "apps.tasks.choices.TaskStatus",
        "TaskPriorityEnum": "apps.tasks.choices.TaskPriority",
        "DependencyTypeEnum": "apps.tasks.choices.DependencyType",
        "NotificationTypeEnum": "apps.notifications.choices.NotificationType",
        "NotificationReadStatusEnum": "apps.notifications.choices.ReadStatus",
        "NotificationFrequencyEnum": "apps.personalization.choices.NotificationFrequency",
        "WcagLevelEnum": "apps.personalization.choices.WcagLevel",
        "FontSizeEnum": "apps.personalization.choices.FontSize",
        "InfoDensityEnum": "apps.personalization.choices.InfoDensity",
        "DateFormatEnum": "apps.personalization.choices.DateFormat",
        "TimeFormatEnum": "apps.personalization.choices.TimeFormat",
        "EventHandlerTypeEnum": "apps.events.choices.HandlerType",
        "ReportTypeEnum": "apps.analytics.choices.ReportType",
        "ReportMetricEnum": "apps.analytics.choices.Metric",
        "ReportScheduleTypeEnum": "apps.analytics.choices.ScheduleType",
        "ReportExecutionStatusEnum": "apps.analytics.choices.ExecutionStatus",
        "ReportExportFormatEnum": "apps.analytics.choices.ExportFormat",
        "WebhookDeliveryStatusEnum": "apps.integrations.choices.DeliveryStatus",
        "IntegrationComponentStatusEnum": "apps.integrations.choices.ComponentStatus",
        "ConsentTypeEnum": "apps.integrations.choices.ConsentType",
        "ApiTokenTierEnum": "apps.integrations.choices.TokenTier",
        "WebhookRetryPolicyEnum": "apps.integrations.choices.RetryPolicy",
        "HealthStatusEnum": ["healthy", "unhealthy"],
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "apps.core.api.schema.add_error_envelope_component",
        "apps.core.idempotency.add_idempotency_key_parameter",
        "apps.core.api.schema.order_tags",
    ],
}

# --- E-mail ------------------------------------------------------------------------------

vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="PronaFlow <no-reply@pronaflow.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Data lifecycle ----------------------------------------------------------------------

TRASH_RETENTION_DAYS = env.int("TRASH_RETENTION_DAYS", default=30)
AUDIT_RETENTION_DAYS = env.int("AUDIT_RETENTION_DAYS", default=365)
# Audit entries are sealed into the hash chain after commit by a sealer job (no lock shared by audited
# writes); verification fails on entries still unsealed after AUDIT_SEAL_GRACE_SECONDS.
AUDIT_SEAL_DEFERRED = env.bool("AUDIT_SEAL_DEFERRED", default=True)
AUDIT_SEAL_GRACE_SECONDS = env.int("AUDIT_SEAL_GRACE_SECONDS", default=300)
# GET /audit-logs/verify checks a chain of up to this many links in the request; a longer one answers
# 202 with a background verification job (progress at /audit-logs/verifications/{id}).
AUDIT_VERIFY_SYNC_MAX_ENTRIES = env.int("AUDIT_VERIFY_SYNC_MAX_ENTRIES", default=10_000)
# Links a background verification reads per query (and between two progress updates).
AUDIT_VERIFY_CHUNK_SIZE = env.int("AUDIT_VERIFY_CHUNK_SIZE", default=5000)
NOTIFICATION_RETENTION_DAYS = env.int("NOTIFICATION_RETENTION_DAYS", default=90)
EVENT_RETENTION_DAYS = env.int("EVENT_RETENTION_DAYS", default=365)
# Fernet key(s) for third-party secrets stored at rest; derived from SECRET_KEY when unset.
FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS", default=[])

# Idempotency-Key (apps.core.idempotency): how long answers are kept for replay, and after how long
# an unfinished claim (a crashed worker) may be taken over.
IDEMPOTENCY_KEY_TTL_HOURS = env.int("IDEMPOTENCY_KEY_TTL_HOURS", default=24)
IDEMPOTENCY_LOCK_SECONDS = env.int("IDEMPOTENCY_LOCK_SECONDS", default=300)

# --- Internationalisation, static files ----------------------------------------------------

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "var" / "media")))
MEDIA_URL = "media/"

# --- Security (production values unless DEBUG) --------------------------------------------

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^health$"]
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# --- Logging -----------------------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "apps.core.logging.RequestIDFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["request_id"]},
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.request": {"level": "ERROR"},
        # In-process tasks (no broker) would log a line per task run: only their problems.
        **({"celery.app.trace": {"level": "WARNING"}} if CELERY_TASK_ALWAYS_EAGER else {}),
    },
}

# --- Module settings ---------------------------------------------------------------------

# Notifications (module 7): digests, the live stream.
NOTIFICATION_DIGEST_MAX_ITEMS = env.int("NOTIFICATION_DIGEST_MAX_ITEMS", default=50)
NOTIFICATION_DIGEST_HOUR = env.int("NOTIFICATION_DIGEST_HOUR", default=8)  # local time of daily/weekly digests
NOTIFICATION_STREAM_HEARTBEAT_SECONDS = env.int("NOTIFICATION_STREAM_HEARTBEAT_SECONDS", default=15)
NOTIFICATION_STREAM_MAX_SECONDS = env.int("NOTIFICATION_STREAM_MAX_SECONDS", default=300)
NOTIFICATION_STREAM_POLL_SECONDS = env.int("NOTIFICATION_STREAM_POLL_SECONDS", default=2)

# Compliance exports (module 8): the longest date range one export may cover, the largest PDF
# rendered inside the request (WeasyPrint costs about 11 ms per row), the largest PDF at all
# (larger ones: use CSV), and how long the download link of an export job stays valid.
COMPLIANCE_EXPORT_MAX_DAYS = env.int("COMPLIANCE_EXPORT_MAX_DAYS", default=366)
COMPLIANCE_PDF_SYNC_MAX_ROWS = env.int("COMPLIANCE_PDF_SYNC_MAX_ROWS", default=500)
# CSV and JSON exports of more entries than this are written by a background job (202, progress,
# expiring link) instead of streaming in the request.
COMPLIANCE_SYNC_MAX_ROWS = env.int("COMPLIANCE_SYNC_MAX_ROWS", default=50_000)
COMPLIANCE_PDF_MAX_ROWS = env.int("COMPLIANCE_PDF_MAX_ROWS", default=5000)
# The admin's export of a filtered audit list streams CSV up to this many rows, above: a background job.
COMPLIANCE_CSV_SYNC_MAX_ROWS = env.int("COMPLIANCE_CSV_SYNC_MAX_ROWS", default=20000)
COMPLIANCE_EXPORT_LINK_HOURS = env.int("COMPLIANCE_EXPORT_LINK_HOURS", default=24)

# Integrations (module 12): API tokens and outgoing webhooks (module 12 webhooks and module 7
# webhook consumers). Targets on loopback/private/link-local addresses are refused unless allowed.
API_TOKEN_MAX_DAYS = env.int("API_TOKEN_MAX_DAYS", default=365)
API_TOKEN_USAGE_RETENTION_DAYS = env.int("API_TOKEN_USAGE_RETENTION_DAYS", default=400)
# API-token digests are HMAC-SHA256 under a server pepper (derived from SECRET_KEY when unset: set it
# in production so a SECRET_KEY rotation does not revoke every token). Rotate by giving the new one a
# higher version and keeping the old one in API_TOKEN_OLD_PEPPERS (version=pepper,...) until the
# tokens it hashed have been used (each is re-hashed under the new pepper when used) or have expired.
API_TOKEN_PEPPER = env.str("API_TOKEN_PEPPER", default="")
API_TOKEN_PEPPER_VERSION = env.int("API_TOKEN_PEPPER_VERSION", default=1)
API_TOKEN_OLD_PEPPERS = env.dict("API_TOKEN_OLD_PEPPERS", default={})
WEBHOOK_ALLOW_PRIVATE_TARGETS = env.bool("WEBHOOK_ALLOW_PRIVATE_TARGETS", default=False)
# Hosts, IP addresses or CIDR networks webhooks may target although they are not public.
WEBHOOK_ALLOWED_HOSTS = env.list("WEBHOOK_ALLOWED_HOSTS", default=[])
WEBHOOK_TIMEOUT_SECONDS = env.float("WEBHOOK_TIMEOUT_SECONDS", default=10.0)
WEBHOOK_RETRY_BASE_SECONDS = env.int("WEBHOOK_RETRY_BASE_SECONDS", default=60)
WEBHOOK_RETRY_MAX_SECONDS = env.int("WEBHOOK_RETRY_MAX_SECONDS", default=6 * 3600)
# Webhooks and webhook event consumers are switched off after this many failed deliveries in a row.
WEBHOOK_DISABLE_AFTER_FAILURES = env.int("WEBHOOK_DISABLE_AFTER_FAILURES", default=20)
WEBHOOK_DELIVERY_RETENTION_DAYS = env.int("WEBHOOK_DELIVERY_RETENTION_DAYS", default=90)
# Deliveries are sent in batches (apps.integrations.services.sending): up to WEBHOOK_BATCH_SIZE per
# task, up to WEBHOOK_BATCH_CONCURRENCY receivers at once; what a batch has not started sending
# after WEBHOOK_BATCH_HOLD_SECONDS (a slow receiver) is given back and queued again. A send starts
# within the hold and lasts at most its timeout (30 s), well inside the claim's 120 s lease.
WEBHOOK_BATCH_SIZE = env.int("WEBHOOK_BATCH_SIZE", default=50)
WEBHOOK_BATCH_CONCURRENCY = env.int("WEBHOOK_BATCH_CONCURRENCY", default=8)
WEBHOOK_BATCH_HOLD_SECONDS = env.float("WEBHOOK_BATCH_HOLD_SECONDS", default=2.0)

# --- Periodic jobs -----------------------------------------------------------------------
# The database scheduler copies these into django-celery-beat's tables at start, where staff can
# retune them in the admin. Scheduled reports (module 11) add their own entries at run time.

HOURLY, DAILY = 3600.0, 86400.0
CELERY_BEAT_SCHEDULE = {
    "events-redispatch": {"task": "apps.events.tasks.events_redispatch_pending_task", "schedule": 60.0},
    "events-retention": {"task": "apps.events.tasks.events_purge_old_task", "schedule": DAILY},
    "notifications-digests": {"task": "apps.notifications.tasks.digests_send_due_task", "schedule": 300.0},
    "notifications-retention": {"task": "apps.notifications.tasks.notifications_purge_old_task", "schedule": DAILY},
    "accounts-credentials-retention": {"task": "apps.accounts.tasks.credentials_purge_expired_task", "schedule": DAILY},
    "workspaces-invitations-expire": {"task": "apps.workspaces.tasks.invitations_expire_task", "schedule": HOURLY},
    "trash-purge": {"task": "apps.archive.tasks.trash_purge_expired_task", "schedule": HOURLY},
    "audit-retention": {"task": "apps.archive.tasks.audit_retention_enforce_task", "schedule": DAILY},
    "audit-seal": {"task": "apps.archive.tasks.audit_chain_seal_task", "schedule": 5.0},
    # Relays: queue again the jobs whose task never reached the broker (see TASK_RELAY_GRACE_SECONDS).
    "compliance-exports-relay": {"task": "apps.archive.tasks.compliance_exports_relay_task", "schedule": 60.0},
    "audit-verifications-relay": {"task": "apps.archive.tasks.audit_chain_verifications_relay_task", "schedule": 60.0},
    "report-runs-relay": {"task": "apps.analytics.tasks.report_runs_relay_task", "schedule": 60.0},
    "compliance-exports-expiry": {
        "task": "apps.archive.tasks.compliance_exports_purge_expired_task",
        "schedule": HOURLY,
    },
    "webhook-retries": {"task": "apps.integrations.tasks.webhook_deliveries_retry_due_task", "schedule": 60.0},
    "idempotency-keys-expire": {"task": "apps.core.tasks.idempotency_key_expire_task", "schedule": HOURLY},
    "integrations-retention": {"task": "apps.integrations.tasks.integration_records_purge_old_task", "schedule": DAILY},
    "analytics-burndown-snapshots": {"task": "apps.analytics.tasks.burndown_snapshots_record_task", "schedule": HOURLY},
}
