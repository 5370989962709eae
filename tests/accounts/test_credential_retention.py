"""The daily job that removes credentials nobody can use any more."""

from datetime import timedelta

import pytest
from django.utils import timezone
from freezegun import freeze_time
from rest_framework_simplejwt.token_blacklist.models import OutstandingToken

from apps.accounts.choices import OneTimeTokenPurpose
from apps.accounts.models import OneTimeToken, UserSession
from apps.accounts.tasks import credentials_purge_expired_task
from apps.core import crypto
from tests.factories.accounts import UserFactory, bearer_client_for, token_pair_for

pytestmark = pytest.mark.django_db


def _one_time_token(user, *, expires_in, used=False):
    return OneTimeToken.objects.create(
        user=user,
        purpose=OneTimeTokenPurpose.PASSWORD_RESET,
        token_hash=crypto.sha256_hex(str(timezone.now().timestamp()) + str(expires_in) + str(used)),
        expires_at=timezone.now() + expires_in,
        used_at=timezone.now() if used else None,
    )


def test_expired_and_used_credentials_are_purged_and_live_ones_kept():
    user = UserFactory()
    with freeze_time(timezone.now() - timedelta(days=40)):
        old_session, _ = token_pair_for(user)
    live_session, _ = token_pair_for(user)
    expired = _one_time_token(user, expires_in=timedelta(minutes=-1))
    spent = _one_time_token(user, expires_in=timedelta(minutes=10), used=True)
    pending = _one_time_token(user, expires_in=timedelta(minutes=10))

    removed = credentials_purge_expired_task.delay().get()

    assert removed["sessions"] == 1 and removed["one_time_tokens"] == 2 and removed["refresh_tokens"] >= 1
    assert not UserSession.objects.filter(pk=old_session.pk).exists()
    assert UserSession.objects.filter(pk=live_session.pk).exists()
    assert set(OneTimeToken.objects.values_list("pk", flat=True)) == {pending.pk}
    assert not OneTimeToken.objects.filter(pk__in=[expired.pk, spent.pk]).exists()
    assert OutstandingToken.objects.filter(expires_at__gt=timezone.now()).exists()


def test_a_live_session_still_works_after_the_purge():
    user = UserFactory()
    client = bearer_client_for(user)
    credentials_purge_expired_task.delay().get()
    assert client.get("/api/v1/auth/me").status_code == 200
