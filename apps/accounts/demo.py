"""Demo accounts: verified users for each workspace role, an outsider, and a staff superuser."""

from django.utils import timezone

from apps.accounts.choices import UserStatus
from apps.accounts.models import User

DEMO_PASSWORD = "PronaFlow-Demo-2026!"

DEMO_USERS = [
    ("owner", "owner@pronaflow.demo", "Olivia Owner", "workspace owner"),
    ("admin", "admin@pronaflow.demo", "Adam Admin", "workspace admin"),
    ("member", "member@pronaflow.demo", "Maya Member", "workspace member"),
    ("viewer", "viewer@pronaflow.demo", "Victor Viewer", "workspace viewer"),
    ("outsider", "outsider@pronaflow.demo", "Oscar Outsider", "no workspace: sees nothing of the demo"),
]
STAFF_EMAIL = "staff@pronaflow.demo"


def _upsert(email: str, username: str, full_name: str, **fields) -> User:
    user, _ = User.objects.update_or_create(
        email=email,
        defaults={
            "username": username,
            "full_name": full_name,
            "status": UserStatus.ACTIVE,
            "is_active": True,
            "email_verified_at": timezone.now(),
            "failed_login_count": 0,
            "locked_until": None,
            **fields,
        },
    )
    user.set_password(DEMO_PASSWORD)
    user.save(update_fields=["password"])
    return user


def seed(ctx: dict) -> None:
    users = {}
    for key, email, full_name, note in DEMO_USERS:
        users[key] = _upsert(email, key, full_name)
        ctx["logins"].append((email, DEMO_PASSWORD, note))
    _upsert(STAFF_EMAIL, "staff", "Sam Staff", is_staff=True, is_superuser=True)
    ctx["logins"].append((STAFF_EMAIL, DEMO_PASSWORD, "staff superuser: admin console at /admin/"))
    ctx["users"] = users
