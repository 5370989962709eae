"""Sending webhook deliveries in batches: claim, send, record (the "webhooks" queue's work).

    deliveries_send(ids=[...])   claim up to WEBHOOK_BATCH_SIZE due deliveries (the given ids first,
                                 then any other due ones), send them, record every outcome

A batch costs a fixed number of SQL statements whatever its size: the claim (on PostgreSQL one
statement: a CTE that selects the due rows FOR UPDATE SKIP LOCKED and an UPDATE that counts the
attempt and leases them), one read of the rows taken with their targets, and after sending, in one
transaction, one bulk UPDATE of the outcomes (a plain UPDATE, without a transaction, for a batch of
one), plus at most one statement per kind of target news (the failure streak ended,
`last_triggered_at` a second old).
Deliveries that fail for good lock their targets to count the failure streak (see _record_failures).
Two claimers never take the same row: a locked row is skipped, a claimed one is leased
(`next_retry_at` = now + WEBHOOK_DELIVERY_LEASE_SECONDS) and so no longer due.

Sending: deliveries are grouped by receiver (scheme, host and port of the URL) into lanes; each
lane sends its deliveries one after another over the process's shared HTTP client (kept-alive
connections, IP pinned per connection, no redirects, the SSRF check on every send), and up to
WEBHOOK_BATCH_CONCURRENCY lanes run at once. So a slow receiver holds only its own lane: what the
other lanes sent is recorded after WEBHOOK_BATCH_HOLD_SECONDS at the latest, and a delivery whose
send has not started by then is given back (its claim undone, due at once) and queued again, so it
never waits behind a slow receiver for longer than that.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor, wait
from datetime import timedelta
from urllib.parse import urlsplit

from cryptography.fernet import InvalidToken
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Case, F, IntegerField, Q, Value, When
from django.utils import timezone

from apps.core import crypto
from apps.core.audit import record_action
from apps.core.queueing import publish, publish_on_commit
from apps.core.webhooks import EXPONENTIAL, DeliveryResult, deliver, next_retry_at
from apps.events.models import EventConsumer
from apps.events.services import emit
from apps.events.webhooks import encode
from apps.integrations.choices import DeliveryStatus
from apps.integrations.events import TEST_EVENT_TYPE
from apps.integrations.models import Webhook, WebhookDelivery
from apps.integrations.services.webhooks import ADMIN_ROLES, webhook_secrets

logger = logging.getLogger("pronaflow.webhooks")

OPEN_STATUSES = (DeliveryStatus.PENDING, DeliveryStatus.RETRYING)
LAST_TRIGGERED_PRECISION = timedelta(seconds=1)
# Webhook consumers have no retry settings of their own: 1 + 5 attempts, exponential backoff.
CONSUMER_RETRY_POLICY, CONSUMER_MAX_RETRIES = EXPONENTIAL, 5
OUTCOME_FIELDS = [
    "status",
    "status_code",
    "response_time_ms",
    "last_error",
    "request_headers",
    "response_body",
    "next_retry_at",
    "delivered_at",
    "updated_at",
]
UNDECRYPTABLE = "The signing secret cannot be decrypted: check FIELD_ENCRYPTION_KEYS."


def batch_size() -> int:
    return max(1, int(getattr(settings, "WEBHOOK_BATCH_SIZE", 50)))


def queue_deliveries(ids: list[str], *, on_commit: bool = True) -> None:
    """Send after commit (or now), one task per batch of ids on the "webhooks" queue
    (CELERY_TASK_ROUTES), so slow receivers never hold up the workers of other jobs. Never raises
    into a request: what the broker does not take, the retry job sends."""
    from apps.integrations.tasks import webhook_deliver_task

    size = batch_size()
    for start in range(0, len(ids), size):
        (publish_on_commit if on_commit else publish)(
            webhook_deliver_task, [str(pk) for pk in ids[start : start + size]]
        )


# --- Claiming -----------------------------------------------------------------------------------


def _due(now) -> Q:
    """Open, due, and for an active target (a test message goes to an inactive webhook too)."""
    return (
        Q(status__in=OPEN_STATUSES)
        & (Q(next_retry_at__isnull=True) | Q(next_retry_at__lte=now))
        & (Q(webhook__is_active=True) | Q(consumer__is_active=True) | Q(event_type=TEST_EVENT_TYPE))
    )


def deliveries_claim(*, ids=(), fill: bool = True, limit: int | None = None) -> list[WebhookDelivery]:
    """Take up to `limit` (default WEBHOOK_BATCH_SIZE) due deliveries for one attempt each: those of
    `ids` first, then, with `fill`, other due ones, oldest first. Rows another claimer holds are
    skipped; the rows taken have their attempt counted and are leased until
    WEBHOOK_DELIVERY_LEASE_SECONDS from now (the lease expires if the worker dies). On PostgreSQL
    one claiming statement, then one read of the rows taken. Returns the deliveries, with their
    webhook or consumer loaded."""
    ids = [str(pk) for pk in ids]
    if not fill and not ids:
        return []
    now = timezone.now()
    lease_until = now + timedelta(seconds=getattr(settings, "WEBHOOK_DELIVERY_LEASE_SECONDS", 120))
    limit = limit or batch_size()
    if connection.vendor == "postgresql":
        taken = _claim_postgresql(ids, fill=fill, limit=limit, now=now, lease_until=lease_until)
    else:
        taken = _claim_portable(ids, fill=fill, limit=limit, now=now, lease_until=lease_until)
    if not taken:
        return []
    return list(
        WebhookDelivery.objects.select_related("webhook", "consumer").filter(pk__in=taken).order_by("created_at")
    )


def _claim_postgresql(ids: list[str], *, fill: bool, limit: int, now, lease_until) -> list:
    # One statement, so the claim needs no transaction of its own: the CTE's locking read runs once,
    # skips rows another claimer holds, and re-checks rows changed meanwhile (a lease makes them
    # not due).
    delivery, webhook = WebhookDelivery._meta.db_table, Webhook._meta.db_table
    consumer = EventConsumer._meta.db_table
    only_ids = "" if fill else "AND d.id = ANY(%(ids)s::uuid[])"
    sql = f"""
        WITH picked AS (
            SELECT d.id FROM {delivery} d
            LEFT JOIN {webhook} w ON w.id = d.webhook_id
            LEFT JOIN {consumer} c ON c.id = d.consumer_id
            WHERE d.status IN (%(pending)s, %(retrying)s)
              AND (d.next_retry_at IS NULL OR d.next_retry_at <= %(now)s)
              AND (w.is_active OR c.is_active OR d.event_type = %(test)s) {only_ids}
            ORDER BY d.id = ANY(%(ids)s::uuid[]) DESC, d.created_at
            LIMIT %(limit)s
            FOR UPDATE OF d SKIP LOCKED
        )
        UPDATE {delivery} AS d
        SET attempt_number = d.attempt_number + 1, next_retry_at = %(lease)s, updated_at = %(now)s
        FROM picked WHERE d.id = picked.id
        RETURNING d.id"""  # noqa: S608  (table names from the models, values as parameters)
    params = {
        "ids": ids,
        "pending": DeliveryStatus.PENDING,
        "retrying": DeliveryStatus.RETRYING,
        "now": now,
        "test": TEST_EVENT_TYPE,
        "limit": limit,
        "lease": lease_until,
    }
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


def _claim_portable(ids: list[str], *, fill: bool, limit: int, now, lease_until) -> list:
    """The same claim for databases without SKIP LOCKED (SQLite, development): read and update in
    one transaction, which such databases serialise anyway."""
    order = ["created_at"]
    if ids:  # the deliveries the task was queued for first
        order.insert(0, Case(When(pk__in=ids, then=Value(0)), default=Value(1), output_field=IntegerField()))
    with transaction.atomic():
        taken = list(
            WebhookDelivery.objects.filter(_due(now) & (Q() if fill else Q(pk__in=ids)))
            .order_by(*order)
            .select_for_update(skip_locked=True, of=("self",))
            .values_list("pk", flat=True)[:limit]
        )
        WebhookDelivery.objects.filter(pk__in=taken).update(
            attempt_number=F("attempt_number") + 1, next_retry_at=lease_until, updated_at=now
        )
    return taken


def _release(rows: list[WebhookDelivery]) -> None:
    """Undo the claim of deliveries that were not sent (due at once again) and queue them anew."""
    now = timezone.now()
    WebhookDelivery.objects.filter(pk__in=[row.pk for row in rows]).update(
        attempt_number=F("attempt_number") - 1, next_retry_at=now, updated_at=now
    )
    queue_deliveries([str(row.pk) for row in rows])


# --- Sending ------------------------------------------------------------------------------------


def _secrets(delivery: WebhookDelivery, now, cache: dict) -> list[str]:
    """The target's signing secrets (decrypted once per target and batch); none when they cannot be
    decrypted (a key FIELD_ENCRYPTION_KEYS no longer holds), which fails the attempt, not the batch."""
    key = delivery.webhook_id or delivery.consumer_id
    if key not in cache:
        try:
            if delivery.webhook_id:
                cache[key] = webhook_secrets(delivery.webhook, now=now)
            else:
                cache[key] = [crypto.decrypt(delivery.consumer.secret_encrypted)]
        except InvalidToken:
            cache[key] = []
    return cache[key]


def _url(delivery: WebhookDelivery) -> str:
    return delivery.webhook.url if delivery.webhook_id else delivery.consumer.config.get("url", "")


def _timeout(delivery: WebhookDelivery) -> float:
    if delivery.webhook_id:
        return delivery.webhook.timeout_seconds
    return getattr(settings, "WEBHOOK_TIMEOUT_SECONDS", 10)


def _send(delivery: WebhookDelivery, secrets: list[str]) -> DeliveryResult:
    """One signed POST; never raises (a bug here fails this delivery, not its batch)."""
    if not secrets:
        return DeliveryResult(False, None, None, UNDECRYPTABLE)
    try:
        return deliver(
            _url(delivery),
            encode(delivery.body),
            secrets=secrets,
            message_id=str(delivery.pk),
            event_type=delivery.event_type,
            timeout=_timeout(delivery),
        )
    except Exception as exc:
        logger.exception("Webhook delivery %s failed unexpectedly", delivery.pk)
        return DeliveryResult(False, None, None, f"Internal error while sending: {type(exc).__name__}")


_local = threading.local()


def _executor(workers: int) -> ThreadPoolExecutor:
    """This thread's pool for lanes (one per worker thread, so batches never wait on each other)."""
    size, pool = getattr(_local, "pool", (0, None))
    if pool is None or size != workers:
        pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="webhook-lane")
        _local.pool = (workers, pool)
    return pool


def _lanes(rows: list[WebhookDelivery], count: int) -> list[list[WebhookDelivery]]:
    """Deliveries grouped by receiver (scheme, host, port), the receivers spread over `count` lanes."""
    receivers: dict[tuple, list[WebhookDelivery]] = defaultdict(list)
    for row in rows:
        parts = urlsplit(_url(row))
        receivers[(parts.scheme, parts.hostname, parts.port)].append(row)
    lanes: list[list[WebhookDelivery]] = [[] for _ in range(min(count, len(receivers)))]
    for index, group in enumerate(receivers.values()):
        lanes[index % len(lanes)].extend(group)
    return lanes


def _run_lane(lane, secrets: dict, deadline: float, sent: list, skipped: list) -> None:
    for delivery in lane:
        if time.monotonic() > deadline:
            skipped.append(delivery)
            continue
        sent.append((delivery, _send(delivery, secrets[delivery.pk]), timezone.now()))


def deliveries_send(*, ids=(), fill: bool = True) -> dict[str, str]:
    """Claim a batch of due deliveries (see deliveries_claim), send each once and record its outcome:
    delivered; retrying (after the target's backoff) while attempts remain; failed after the last
    one, which counts in the target's failure streak. A test message or a redelivery is a single
    attempt outside the streak. Deliveries not started within WEBHOOK_BATCH_HOLD_SECONDS are given
    back and queued again. Returns {delivery id: new status} of the deliveries attempted. Never
    raises for receiver errors; a failure of one delivery never affects the others."""
    rows = deliveries_claim(ids=ids, fill=fill)
    if not rows:
        return {}
    now = timezone.now()
    cache: dict = {}
    secrets = {row.pk: _secrets(row, now, cache) for row in rows}
    hold = float(getattr(settings, "WEBHOOK_BATCH_HOLD_SECONDS", 2.0))
    deadline = time.monotonic() + hold
    concurrency = max(1, int(getattr(settings, "WEBHOOK_BATCH_CONCURRENCY", 8)))
    lanes = _lanes(rows, concurrency)
    sent: list = []
    skipped: list = []
    statuses: dict[str, str] = {}
    if len(lanes) == 1:  # one receiver: sent from this thread, no hand-off
        _run_lane(lanes[0], secrets, deadline, sent, skipped)
    else:
        futures = [_executor(concurrency).submit(_run_lane, lane, secrets, deadline, sent, skipped) for lane in lanes]
        _, running = wait(futures, timeout=hold + 0.05)
        if running:  # a slow receiver: record what the other lanes sent without waiting for it
            done = len(sent)
            statuses.update(_record(sent[:done]))
            wait(running)
            sent = sent[done:]
    statuses.update(_record(sent))
    if skipped:
        _release(skipped)
    return statuses


# --- Recording ----------------------------------------------------------------------------------


def _retry_settings(delivery: WebhookDelivery) -> tuple[str, int]:
    if delivery.webhook_id:
        return delivery.webhook.retry_policy, delivery.webhook.max_retries
    return CONSUMER_RETRY_POLICY, CONSUMER_MAX_RETRIES


def _single(delivery: WebhookDelivery) -> bool:
    return delivery.redelivery or delivery.event_type == TEST_EVENT_TYPE


def _apply(delivery: WebhookDelivery, result: DeliveryResult, finished) -> None:
    delivery.status_code = result.status_code
    delivery.response_time_ms = result.response_time_ms
    delivery.last_error = result.error
    delivery.request_headers = result.request_headers
    delivery.response_body = result.response_body
    delivery.next_retry_at = None
    delivery.updated_at = finished
    if result.ok:
        delivery.status = DeliveryStatus.DELIVERED
        delivery.delivered_at = finished
        return
    if not _single(delivery):
        policy, max_retries = _retry_settings(delivery)
        delivery.next_retry_at = next_retry_at(
            policy=policy, attempt=delivery.attempt_number, max_retries=max_retries, now=finished
        )
    delivery.status = DeliveryStatus.RETRYING if delivery.next_retry_at else DeliveryStatus.FAILED


def _record(sent: list) -> dict[str, str]:
    """Write the outcomes of sent deliveries in one transaction: one bulk UPDATE of the deliveries,
    then what their targets learn (streak, last_triggered_at, auto-disable)."""
    if not sent:
        return {}
    for delivery, result, finished in sent:
        _apply(delivery, result, finished)
    rows = [delivery for delivery, _, _ in sent]
    counted = [row for row in rows if not _single(row)]
    failing = {_target_key(row) for row in counted if row.status == DeliveryStatus.FAILED}
    with transaction.atomic() if len(rows) > 1 or failing else contextlib.nullcontext():
        if len(rows) == 1:  # one statement, no bulk CASE expressions
            WebhookDelivery.objects.filter(pk=rows[0].pk).update(
                **{name: getattr(rows[0], name) for name in OUTCOME_FIELDS}
            )
        else:
            WebhookDelivery.objects.bulk_update(rows, OUTCOME_FIELDS)
        _record_failures([row for row in counted if _target_key(row) in failing])
        _touch([row for row in counted if _target_key(row) not in failing])
    return {str(row.pk): row.status for row in rows}


def _target_key(delivery: WebhookDelivery) -> tuple[str, object]:
    return ("webhook", delivery.webhook_id) if delivery.webhook_id else ("consumer", delivery.consumer_id)


def _target(delivery: WebhookDelivery):
    return delivery.webhook if delivery.webhook_id else delivery.consumer


def _touch(rows: list[WebhookDelivery]) -> None:
    """Targets without a final failure in the batch: a success ends their failure streak, and
    webhooks record that they were triggered (to LAST_TRIGGERED_PRECISION). At most one statement
    per kind of news and model, none when nothing is news."""
    if not rows:
        return
    now = timezone.now()
    stale = now - LAST_TRIGGERED_PRECISION
    ended = {
        _target_key(row) for row in rows if row.status == DeliveryStatus.DELIVERED and _target(row).consecutive_failures
    }
    for model, kind in ((Webhook, "webhook"), (EventConsumer, "consumer")):
        pks = [pk for each, pk in ended if each == kind]
        if pks:
            model.objects.filter(pk__in=pks, consecutive_failures__gt=0).update(consecutive_failures=0)
    old = {
        row.webhook_id
        for row in rows
        if row.webhook_id and (row.webhook.last_triggered_at is None or row.webhook.last_triggered_at < stale)
    }
    if old:
        Webhook.objects.filter(pk__in=old).filter(
            Q(last_triggered_at__isnull=True) | Q(last_triggered_at__lt=stale)
        ).update(last_triggered_at=now)


def _record_failures(rows: list[WebhookDelivery]) -> None:
    """Targets with a delivery that failed for good in the batch: under their row locks, replay the
    batch's outcomes in order on the failure streak (a success ends it, a final failure extends it);
    WEBHOOK_DISABLE_AFTER_FAILURES in a row switch the target off (audited) and emit
    webhook.disabled for its owner."""
    if not rows:
        return
    limit = getattr(settings, "WEBHOOK_DISABLE_AFTER_FAILURES", 20)
    now = timezone.now()
    for model, field in ((Webhook, "webhook"), (EventConsumer, "consumer")):
        mine = [row for row in rows if getattr(row, f"{field}_id")]
        if not mine:
            continue
        pks = {getattr(row, f"{field}_id") for row in mine}
        for target in model.objects.select_for_update().filter(pk__in=pks).order_by("pk"):
            pk = target.pk
            outcomes = [row for row in mine if getattr(row, f"{field}_id") == pk]
            last_error = ""
            for row in outcomes:
                if row.status == DeliveryStatus.DELIVERED:
                    target.consecutive_failures = 0
                elif row.status == DeliveryStatus.FAILED:
                    target.consecutive_failures += 1
                    last_error = row.last_error
            fields = ["consecutive_failures", "updated_at"]
            if model is Webhook:
                target.last_triggered_at = now
                fields.append("last_triggered_at")
            if target.is_active and target.consecutive_failures >= limit:
                target.is_active = False
                target.disabled_at = now
                target.disabled_reason = f"{target.consecutive_failures} deliveries in a row failed."
                fields += ["is_active", "disabled_at", "disabled_reason"]
                _announce_disabled(target, last_error=last_error)
            target.save(update_fields=fields)


def _announce_disabled(target, *, last_error: str) -> None:
    if isinstance(target, Webhook):
        kind, workspace, name, owner_id = "webhook", target.workspace, target.name, _webhook_owner_id(target)
    else:
        kind, workspace, owner_id = "event_consumer", target.workspace, target.owner_id
        name = f"{target.event_type} -> {target.config.get('url', '')}"
    record_action(
        f"{kind}.disabled",
        actor=None,
        target=target,
        workspace_id=target.workspace_id,
        extra={"consecutive_failures": target.consecutive_failures, "reason": target.disabled_reason},
    )
    emit(
        "webhook.disabled",
        aggregate=target,
        actor=None,
        workspace=workspace,
        payload={
            "target": kind,
            "target_id": target.pk,
            "workspace_id": target.workspace_id,
            "owner_id": owner_id,
            "name": name,
            "consecutive_failures": target.consecutive_failures,
            "reason": target.disabled_reason,
            "last_error": last_error,
        },
    )


def _webhook_owner_id(webhook: Webhook):
    """Who is told about the webhook: its creator while they still administer the workspace, else
    the workspace's owner (there is one)."""
    from django.apps import apps

    members = apps.get_model("workspaces", "WorkspaceMember").objects.filter(workspace_id=webhook.workspace_id)
    if webhook.created_by_id and members.filter(user_id=webhook.created_by_id, role__in=ADMIN_ROLES).exists():
        return webhook.created_by_id
    return members.filter(role="owner").values_list("user_id", flat=True).first()
