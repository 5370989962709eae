"""Mark-all-read moves a per-user "read up to" watermark instead of updating every row: the list's
`read`/`read_at`, the `status` filters, the unread count and mark-one-read all agree with it, and a
notification created after the cut stays unread."""

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.notifications.models import Notification, NotificationReadMark
from tests.factories.notifications import NotificationFactory

pytestmark = pytest.mark.django_db

LIST = "/api/v1/notifications"


def state(client):
    """(ids listed as unread, ids listed as read, unread-count, {id: (read, read_at)} of the full list)."""
    unread = [n["id"] for n in client.get(LIST, {"status": "unread", "page_size": 100}).json()["data"]]
    read = [n["id"] for n in client.get(LIST, {"status": "read", "page_size": 100}).json()["data"]]
    count = client.get(f"{LIST}/unread-count").json()["data"]["count"]
    listed = {n["id"]: (n["read"], n["read_at"]) for n in client.get(LIST, {"page_size": 100}).json()["data"]}
    return unread, read, count, listed


def test_mark_all_read_covers_what_exists_and_a_later_notification_stays_unread(user, client_for):
    client = client_for(user)
    before = NotificationFactory.create_batch(5, user=user)
    already = NotificationFactory(user=user, read=True, read_at=timezone.now() - timedelta(days=1))
    response = client.post(f"{LIST}/mark-all-read").json()
    assert response == {"success": True, "message": "All notifications marked as read", "count": 5}
    assert Notification.objects.filter(user=user, read=False).count() == 5  # no row was rewritten
    later = NotificationFactory(user=user)
    unread, read, count, listed = state(client)
    assert unread == [str(later.pk)] and count == 1
    assert set(read) == {str(n.pk) for n in [*before, already]}
    assert listed[str(later.pk)] == (False, None)
    marked_at = {listed[str(n.pk)] for n in before}
    assert len(marked_at) == 1 and next(iter(marked_at))[0] is True and next(iter(marked_at))[1]
    assert listed[str(already.pk)][1] != next(iter(marked_at))[1]  # its own read_at is kept
    # A second mark-all-read counts only what is new.
    assert client.post(f"{LIST}/mark-all-read").json()["count"] == 1
    unread, read, count, _ = state(client)
    assert unread == [] and count == 0 and set(read) == set(listed)
    assert client.post(f"{LIST}/mark-all-read").json()["count"] == 0


def test_equal_timestamps_are_cut_by_id(user, client_for):
    client = client_for(user)
    now = timezone.now()
    rows = sorted(NotificationFactory.create_batch(4, user=user, created_at=now), key=lambda n: n.pk)
    # The first two exist at the cut; the last two "arrive" with the same timestamp and larger ids.
    Notification.objects.filter(pk__in=[n.pk for n in rows[2:]]).delete()
    assert client.post(f"{LIST}/mark-all-read").json()["count"] == 2
    for n in rows[2:]:
        Notification.objects.create(
            id=n.pk, user=user, type=n.type, title=n.title, message=n.message, action_url=n.action_url, created_at=now
        )
    unread, read, count, _ = state(client)
    assert sorted(unread) == sorted(str(n.pk) for n in rows[2:]) and count == 2
    assert sorted(read) == sorted(str(n.pk) for n in rows[:2])


def test_mark_one_read_after_mark_all_read_keeps_the_watermark_time(user, client_for):
    client = client_for(user)
    covered = NotificationFactory(user=user)
    client.post(f"{LIST}/mark-all-read")
    mark = NotificationReadMark.objects.get(user=user)
    data = client.patch(f"{LIST}/{covered.pk}/read").json()["data"]
    assert data["read"] is True
    assert data["read_at"] == mark.marked_at.isoformat().replace("+00:00", "Z")
    assert client.patch(f"{LIST}/{covered.pk}/read").json()["data"] == data


def test_mark_all_read_of_one_type_leaves_other_types_unread(user, client_for):
    client = client_for(user)
    comment, mention = NotificationFactory(user=user, type="comment"), NotificationFactory(user=user, type="mention")
    assert client.post(f"{LIST}/mark-all-read?type=comment").json()["count"] == 1
    unread, read, count, _ = state(client)
    assert unread == [str(mention.pk)] and read == [str(comment.pk)] and count == 1
    assert client.post(f"{LIST}/mark-all-read").json()["count"] == 1
    assert state(client)[2] == 0


def test_another_users_watermark_changes_nothing_for_me(user, client_for):
    mine = NotificationFactory(user=user)
    other = NotificationFactory()
    client_for(other.user).post(f"{LIST}/mark-all-read")
    unread, _, count, _ = state(client_for(user))
    assert unread == [str(mine.pk)] and count == 1


def test_mark_all_read_with_nothing_to_mark_answers_zero(user, client_for):
    assert client_for(user).post(f"{LIST}/mark-all-read").json()["count"] == 0
    assert not NotificationReadMark.objects.filter(user=user).exists()


def test_retention_treats_notifications_under_the_watermark_as_read(user, client_for, settings):
    from apps.notifications.tasks import notifications_purge_old_task

    settings.NOTIFICATION_RETENTION_DAYS = 90
    old = timezone.now() - timedelta(days=91)
    covered = NotificationFactory(user=user, created_at=old)
    client_for(user).post(f"{LIST}/mark-all-read")
    old_unread = NotificationFactory(user=user, created_at=old + timedelta(hours=1))  # after the cut
    assert notifications_purge_old_task.delay().get() == 1
    assert not Notification.objects.filter(pk=covered.pk).exists()
    assert Notification.objects.filter(pk=old_unread.pk).exists()


def test_admin_shows_and_filters_read_as_the_api_does(user, client_for, client):
    """The back office reads the watermark too: rows covered by mark-all-read are read there."""
    from tests.factories.accounts import UserFactory

    covered = NotificationFactory(user=user, title="covered-by-mark")
    client_for(user).post(f"{LIST}/mark-all-read")
    later = NotificationFactory(user=user, title="after-the-mark")
    staff = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(staff)
    page = "/admin/notifications/notification/"
    read_only = client.get(page, {"is_read": "yes"}).content.decode()
    unread_only = client.get(page, {"is_read": "no"}).content.decode()
    assert covered.title in read_only and later.title not in read_only
    assert later.title in unread_only and covered.title not in unread_only
    assert client.get(page, {"o": "4"}).status_code == 200  # sortable by the computed column
