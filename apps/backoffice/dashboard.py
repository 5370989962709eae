"""The operations and compliance dashboard on the admin index.

Every figure is one aggregate query (GROUP BY day and kind, or a conditional COUNT), cached for
`CACHE_SECONDS`, so the page costs a constant number of queries whatever the volume, and none while
the cache is warm. Each panel is shown only to users who may view the changelist behind it, and
links to that changelist filtered the same way: staff with every permission see both halves, the
compliance officer (archive permissions only) sees the compliance half (trash, audit chain, export
jobs). Charts are drawn on the server by `apps.core.charts`, the module the report PDFs use.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.core.cache import cache
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncDate
from django.urls import reverse
from django.utils import timezone

from apps.analytics.choices import ExecutionStatus
from apps.analytics.models import Report, ReportExecution
from apps.archive.choices import ExportStatus, VerificationStatus
from apps.archive.models import AuditChainHead, AuditChainVerification, ComplianceExport, TrashItem
from apps.core import charts
from apps.events.models import DomainEvent
from apps.integrations.choices import DeliveryStatus, TokenTier
from apps.integrations.models import ApiTokenUsage, Webhook, WebhookDelivery
from apps.notifications.models import EmailNotification, Notification

WINDOW_DAYS = 30
EXPIRY_DAYS = 7
CACHE_SECONDS = 60
CACHE_PREFIX = "backoffice:dashboard:"
# Event types drawn as their own series; the rest are summed as "other".
TOP_EVENT_TYPES = 5
OPERATIONS, COMPLIANCE = "operations", "compliance"


# --- figures: one aggregate query each, cached ----------------------------------------------


def _today() -> dt.date:
    return timezone.localdate()


def _since() -> dt.date:
    return _today() - dt.timedelta(days=WINDOW_DAYS - 1)


def _per_day(queryset, date_field: str, kind_field: str | None = None, total: str = "id", op=Count) -> list:
    """[(day, kind, n)] for the window: one GROUP BY query."""
    day = TruncDate(date_field, tzinfo=timezone.get_current_timezone())
    fields = ["day", kind_field] if kind_field else ["day"]
    rows = (
        queryset.filter(**{f"{date_field}__date__gte": _since()})
        .annotate(day=day)
        .values(*fields)
        .annotate(n=op(total))
        .order_by()
    )
    return [(row["day"], row[kind_field] if kind_field else "", row["n"] or 0) for row in rows]


FIGURES: dict[str, Callable[[], object]] = {
    "events": lambda: _per_day(DomainEvent.objects.all(), "occurred_at", "event_type"),
    "deliveries": lambda: _per_day(WebhookDelivery.objects.all(), "created_at", "status"),
    "webhooks": lambda: Webhook.objects.aggregate(
        disabled=Count("id", filter=Q(is_active=False)),
        failing=Count("id", filter=Q(is_active=True, consecutive_failures__gt=0)),
    ),
    "notifications": lambda: _per_day(Notification.objects.all(), "created_at"),
    "emails": lambda: _per_day(EmailNotification.objects.filter(sent_at__isnull=False), "sent_at"),
    "report_runs": lambda: _per_day(ReportExecution.objects.all(), "created_at", "status"),
    "schedules": lambda: Report.objects.aggregate(
        scheduled=Count("id", filter=Q(periodic_task__isnull=False)),
        paused=Count("id", filter=Q(periodic_task__enabled=False)),
    ),
    "trash": lambda: [
        (row["day"], row["resource_type"], row["n"])
        for row in TrashItem.objects.filter(
            expires_at__date__gte=_today(), expires_at__date__lte=_today() + dt.timedelta(days=EXPIRY_DAYS)
        )
        .annotate(day=TruncDate("expires_at", tzinfo=timezone.get_current_timezone()))
        .values("day", "resource_type")
        .annotate(n=Count("id"))
        .order_by()
    ],
    "audit_chain": lambda: (
        AuditChainVerification.objects.order_by("-created_at")
        .values("status", "intact", "checked_entries", "head_seq", "finished_at", "created_at")
        .first()
    ),
    "audit_head": lambda: AuditChainHead.objects.filter(pk=1).values_list("seq", flat=True).first() or 0,
    "exports": lambda: ComplianceExport.objects.aggregate(
        open=Count("id", filter=Q(status__in=[ExportStatus.PENDING, ExportStatus.RUNNING])),
        failed=Count("id", filter=Q(status=ExportStatus.FAILED, created_at__date__gte=_since())),
    ),
    "tokens": lambda: _per_day(ApiTokenUsage.objects.all(), "hour", "token__tier", total="count", op=Sum),
}


def figure(name: str):
    """The value of one figure, from the cache (refreshed after CACHE_SECONDS)."""
    return cache.get_or_set(f"{CACHE_PREFIX}{name}", FIGURES[name], CACHE_SECONDS)


def forget(name: str) -> None:
    """Drop a cached figure (after an action that changes it, e.g. a verification request)."""
    cache.delete(f"{CACHE_PREFIX}{name}")


# --- panels ---------------------------------------------------------------------------------


@dataclass
class Fact:
    label: str
    value: object
    url: str = ""
    alert: bool = False


@dataclass
class Panel:
    key: str
    title: str
    half: str
    url: str
    link_label: str
    chart: charts.Chart | None = None
    facts: list[Fact] = field(default_factory=list)
    verify_url: str = ""
    verifying: bool = False


def _url(name: str, **params) -> str:
    url = reverse(f"admin:{name}")
    return f"{url}?{urlencode(params)}" if params else url


def _days(start: dt.date, count: int) -> list[dt.date]:
    return [start + dt.timedelta(days=offset) for offset in range(count)]


def _series(rows: list, days: list[dt.date], kinds: list[str], labels: dict | None = None, colors=None) -> list:
    grid: dict = defaultdict(int)
    for day, kind, n in rows:
        grid[(day, kind)] += n
    return [
        charts.Series(
            name=str((labels or {}).get(kind, kind)),
            values=[grid[(day, kind)] for day in days],
            color=(colors or {}).get(kind),
        )
        for kind in kinds
    ]


def _label(day: dt.date) -> str:
    return day.strftime("%b %d")


def _window() -> list[dt.date]:
    return _days(_since(), WINDOW_DAYS)


def _events_panel() -> Panel:
    rows, days = figure("events"), _window()
    totals: dict = defaultdict(int)
    for _, kind, n in rows:
        totals[kind] += n
    top = sorted(totals, key=lambda kind: (-totals[kind], kind))[:TOP_EVENT_TYPES]
    folded = [(day, kind if kind in top else "other", n) for day, kind, n in rows]
    kinds = top + (["other"] if len(totals) > len(top) else [])
    return Panel(
        key="events",
        title="Domain events",
        half=OPERATIONS,
        url=_url("events_domainevent_changelist", occurred_at__date__gte=_since()),
        link_label="Events of the last 30 days",
        chart=charts.column_chart(
            title=f"Domain events per day by type, last {WINDOW_DAYS} days",
            categories=[_label(day) for day in days],
            series=_series(folded, days, kinds),
        ),
        facts=[Fact("events in 30 days", sum(totals.values()))],
    )


DELIVERY_COLORS = {
    DeliveryStatus.DELIVERED: "#009e73",
    DeliveryStatus.RETRYING: "#e69f00",
    DeliveryStatus.FAILED: "#d55e00",
    DeliveryStatus.PENDING: "#7f7f7f",
}


def _webhooks_panel() -> Panel:
    rows, days, now = figure("deliveries"), _window(), figure("webhooks")
    kinds = [DeliveryStatus.DELIVERED, DeliveryStatus.RETRYING, DeliveryStatus.FAILED]
    labels = {kind: kind.label for kind in kinds}
    failed = sum(n for _, kind, n in rows if kind == DeliveryStatus.FAILED)
    return Panel(
        key="webhooks",
        title="Webhook deliveries",
        half=OPERATIONS,
        url=_url("integrations_webhookdelivery_changelist", created_at__date__gte=_since()),
        link_label="Deliveries of the last 30 days",
        chart=charts.column_chart(
            title=f"Webhook deliveries per day: delivered, retrying and failed, last {WINDOW_DAYS} days",
            categories=[_label(day) for day in days],
            series=_series(rows, days, kinds, labels, DELIVERY_COLORS),
        ),
        facts=[
            Fact(
                "failed deliveries",
                failed,
                _url(
                    "integrations_webhookdelivery_changelist",
                    status__exact=DeliveryStatus.FAILED,
                    created_at__date__gte=_since(),
                ),
                alert=bool(failed),
            ),
            Fact(
                "webhooks disabled now",
                now["disabled"],
                _url("integrations_webhook_changelist", is_active__exact=0),
                alert=bool(now["disabled"]),
            ),
            Fact(
                "webhooks failing now",
                now["failing"],
                _url("integrations_webhook_changelist", is_active__exact=1, consecutive_failures__gt=0),
                alert=bool(now["failing"]),
            ),
        ],
    )


def _notifications_panel() -> Panel:
    days = _window()
    rows = [(day, "in_app", n) for day, _, n in figure("notifications")]
    rows += [(day, "email", n) for day, _, n in figure("emails")]
    series = _series(rows, days, ["in_app", "email"], {"in_app": "In-app notifications", "email": "E-mails sent"})
    return Panel(
        key="notifications",
        title="Notifications and e-mails",
        half=OPERATIONS,
        url=_url("notifications_notification_changelist", created_at__date__gte=_since()),
        link_label="Notifications of the last 30 days",
        chart=charts.column_chart(
            title=f"In-app notifications created and e-mails sent per day, last {WINDOW_DAYS} days",
            categories=[_label(day) for day in days],
            series=series,
        ),
        facts=[
            Fact("notifications", sum(series[0].values)),
            Fact("e-mails sent", sum(series[1].values), _url("notifications_emailnotification_changelist")),
        ],
    )


def _reports_panel() -> Panel:
    rows, days, schedules = figure("report_runs"), _window(), figure("schedules")
    kinds = [ExecutionStatus.COMPLETED, ExecutionStatus.FAILED]
    failed = sum(n for _, kind, n in rows if kind == ExecutionStatus.FAILED)
    return Panel(
        key="reports",
        title="Report runs",
        half=OPERATIONS,
        url=_url("analytics_reportexecution_changelist", created_at__date__gte=_since()),
        link_label="Runs of the last 30 days",
        chart=charts.column_chart(
            title=f"Report runs per day: completed and failed, last {WINDOW_DAYS} days",
            categories=[_label(day) for day in days],
            series=_series(
                rows,
                days,
                kinds,
                {kind: kind.label for kind in kinds},
                {ExecutionStatus.COMPLETED: "#009e73", ExecutionStatus.FAILED: "#d55e00"},
            ),
        ),
        facts=[
            Fact(
                "failed runs",
                failed,
                _url(
                    "analytics_reportexecution_changelist",
                    status__exact=ExecutionStatus.FAILED,
                    created_at__date__gte=_since(),
                ),
                alert=bool(failed),
            ),
            Fact(
                "schedules paused",
                schedules["paused"],
                _url("analytics_report_changelist", periodic_task__enabled__exact=0),
                alert=bool(schedules["paused"]),
            ),
            Fact("scheduled reports", schedules["scheduled"]),
        ],
    )


def _tokens_panel() -> Panel:
    rows, days = figure("tokens"), _window()
    kinds = [tier.value for tier in TokenTier]
    return Panel(
        key="tokens",
        title="API-token use",
        half=OPERATIONS,
        url=_url("integrations_apitoken_changelist", last_used_at__date__gte=_since()),
        link_label="Tokens used in the last 30 days",
        chart=charts.column_chart(
            title=f"API-token requests per day by tier, last {WINDOW_DAYS} days",
            categories=[_label(day) for day in days],
            series=_series(rows, days, kinds, {tier.value: tier.label for tier in TokenTier}),
        ),
        facts=[Fact("requests in 30 days", sum(n for _, _, n in rows))],
    )


def _trash_panel() -> Panel:
    rows, today = figure("trash"), _today()
    days = _days(today, EXPIRY_DAYS + 1)
    kinds = sorted({kind for _, kind, _ in rows})
    total = sum(n for _, _, n in rows)
    until = today + dt.timedelta(days=EXPIRY_DAYS)
    url = _url("archive_trashitem_changelist", expires_at__date__gte=today, expires_at__date__lte=until)
    return Panel(
        key="trash",
        title="Trash expiring soon",
        half=COMPLIANCE,
        url=url,
        link_label=f"Items purged in the next {EXPIRY_DAYS} days",
        chart=charts.column_chart(
            title=f"Trash items expiring per day by resource type, next {EXPIRY_DAYS} days",
            categories=[_label(day) for day in days],
            series=_series(rows, days, kinds or ["task"]),
        ),
        facts=[Fact("items purged within 7 days", total, url, alert=bool(total))],
    )


def _audit_panel(user) -> Panel:
    last, head, exports = figure("audit_chain"), figure("audit_head"), figure("exports")
    verifying = bool(last and last["status"] in (VerificationStatus.QUEUED, VerificationStatus.RUNNING))
    verdicts = {True: "intact", False: "BROKEN", None: "not verified yet"}
    if last and last["status"] == VerificationStatus.COMPLETED:
        verdict, when, since = verdicts[last["intact"]], last["finished_at"], head - last["head_seq"]
    elif last and last["status"] == VerificationStatus.FAILED:
        verdict, when, since = "verification failed", last["created_at"], head
    else:
        verdict, when, since = ("verification under way" if verifying else verdicts[None]), None, head
    facts = [
        Fact("chain", verdict, _url("archive_auditchainverification_changelist"), alert=verdict != "intact"),
        Fact("last verified", timezone.localtime(when).strftime("%Y-%m-%d %H:%M") if when else "never"),
        Fact("entries since", since),
        Fact("entries in the chain", head),
    ]
    if user.has_perm("archive.view_complianceexport"):
        facts.append(Fact("export jobs under way", exports["open"], _url("archive_complianceexport_changelist")))
        facts.append(
            Fact(
                "failed export jobs (30 days)",
                exports["failed"],
                _url("archive_complianceexport_changelist", status__exact=ExportStatus.FAILED),
                alert=bool(exports["failed"]),
            )
        )
    return Panel(
        key="audit",
        title="Audit chain",
        half=COMPLIANCE,
        url=_url("archive_auditentry_changelist"),
        link_label="Audit log",
        facts=facts,
        verify_url=reverse("admin:backoffice_verify_audit_chain") if user.has_perm("archive.verify_auditchain") else "",
        verifying=verifying,
    )


# Panel builders with the permission that shows each (the changelist it links to).
PANELS: list[tuple[str, Callable]] = [
    ("events.view_domainevent", lambda user: _events_panel()),
    ("integrations.view_webhookdelivery", lambda user: _webhooks_panel()),
    ("notifications.view_notification", lambda user: _notifications_panel()),
    ("analytics.view_reportexecution", lambda user: _reports_panel()),
    ("integrations.view_apitoken", lambda user: _tokens_panel()),
    ("archive.view_trashitem", lambda user: _trash_panel()),
    ("archive.view_auditentry", _audit_panel),
]


def dashboard_for(user) -> dict:
    """The panels `user` may see, split into the operations and the compliance half."""
    panels = [build(user) for permission, build in PANELS if user.has_perm(permission)]
    return {
        "panels": panels,
        "halves": [
            (OPERATIONS, "Operations", [panel for panel in panels if panel.half == OPERATIONS]),
            (COMPLIANCE, "Compliance", [panel for panel in panels if panel.half == COMPLIANCE]),
        ],
        "window_days": WINDOW_DAYS,
        "cache_seconds": CACHE_SECONDS,
    }
