"""Helpers of module 8's tests: compliance staff and audit entries. The work-domain rows that go to
the trash come from the shared factories (tests.factories.tasks, tests.factories.collaboration)."""

from django.contrib.auth.models import Group

from apps.core.audit import record_action
from tests.factories.accounts import UserFactory


def compliance_officer(**kwargs):
    """A staff user in the "Compliance officer" group (created by the data migration)."""
    user = UserFactory(is_staff=True, **kwargs)
    user.groups.add(Group.objects.get(name="Compliance officer"))
    return user


def audit_action(action: str, *, actor, target, workspace_id=None, **kwargs):
    return record_action(action, actor=actor, target=target, workspace_id=workspace_id, **kwargs)
