"""Test settings: the real stack (PostgreSQL, Redis) with tasks run eagerly in-process.

Override DATABASE_URL / REDIS_URL to point elsewhere; the defaults are the local services.
"""

import os

os.environ.setdefault("SECRET_KEY", "pronaflow-test-only-secret-key-not-for-production-use-0123456789")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/pronaflow")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/15")
os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "true")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("FRONTEND_URL", "https://app.pronaflow.test")

from pronaflow.settings import *  # noqa: F403

# Fast hashing: tests create many users; production keeps PBKDF2.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
MEDIA_ROOT = BASE_DIR / "var" / "test-media"  # noqa: F405
# Seal audit entries in the writing transaction, so tests see the chain at once; the deferred sealer
# (production's default) is tested on its own in tests/archive/test_audit_chain.py.
AUDIT_SEAL_DEFERRED = False
