"""GDPR tools: the caller's data as JSON (access) and erasure by pseudonymisation.

Erasure keeps the account row (so foreign keys, authorship and the audit trail stay consistent)
but replaces every personal field with a stable pseudonym derived from the user id, revokes
sessions, API tokens, OAuth connections and the webhooks they created (through the steps other apps
register with `apps.accounts.erasure`), and rewrites the person's e-mail, names and IP addresses in
every audit column that holds them (LogEntry's actor e-mail, IP, representation, changes and extra
data; Django admin's history). Rewritten audit entries are marked redacted on their chain link (the
salt of their personal digest is dropped), so the hash chain still verifies; see `audit_chain`.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import re

from auditlog.context import disable_auditlog
from auditlog.models import LogEntry
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.db.models import Q
from django.db.models.fields.files import FieldFile
from django.utils import timezone

from apps.accounts.erasure import erasure_steps_run
from apps.archive.models import AuditChainLink
from apps.archive.selectors import audit_entry_list, audit_records
from apps.archive.services.audit_chain import enter_maintenance, lock_chain_head
from apps.archive.services.export_copy import audit_json_copy
from apps.core.audit import rebind_actor, record_action
from apps.core.exceptions import Conflict, ValidationFailed
from apps.core.pgcopy import copy_supported
from apps.core.services import model_update

logger = logging.getLogger("pronaflow.archive")

# Never exported, whatever model they sit on: credentials and secrets.
SECRET_FIELD_MARKERS = ("password", "secret", "token", "hash", "key", "otp", "backup_code")
# Rows of these models are exported separately (audit records) or hold nothing personal.
SKIPPED_MODELS = {
    "auditlog.logentry",
    "archive.auditchainlink",
    "archive.auditentry",
    "events.domainevent",
    "admin.logentry",
    "token_blacklist.outstandingtoken",
    "token_blacklist.blacklistedtoken",
}
ERASED_NAME = "Erased user"
ERASED_DOMAIN = "erased.pronaflow.invalid"
REDACTED = "[erased]"


def _is_secret(name: str) -> bool:
    return any(marker in name.lower() for marker in SECRET_FIELD_MARKERS)


def _row(obj: models.Model) -> dict:
    data = {}
    for field in obj._meta.concrete_fields:
        if _is_secret(field.name):
            continue
        value = field.value_from_object(obj)
        if isinstance(value, FieldFile):
            value = value.name or None  # the stored path, not the file object
        data[field.attname if field.is_relation else field.name] = value
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


def _user_relations():
    """(model, field name) for every foreign key / one-to-one pointing at the user model."""
    user_model = get_user_model()
    for model in apps.get_models():
        label = model._meta.label_lower
        if label in SKIPPED_MODELS or model is user_model:
            continue
        for field in model._meta.concrete_fields:
            if field.is_relation and field.related_model is user_model:
                yield model, field


def user_data_export(*, actor) -> dict:
    """Everything the platform holds about `actor`: the profile, every row of every model that
    points at them (grouped by model and field, secrets left out) and their audit trail.
    Audited as `user.data_exported`."""
    profile = _row(actor)
    related: dict[str, dict[str, list]] = {}
    for model, field in _user_relations():
        manager = getattr(model, "all_objects", model._default_manager)
        rows = [_row(obj) for obj in manager.filter(**{field.name: actor}).order_by("pk")]
        if rows:
            related.setdefault(model._meta.label_lower, {})[field.name] = rows
    entries = audit_entry_list(scope=None).filter(Q(actor_id=actor.pk) | Q(object_pk=str(actor.pk)))
    if copy_supported(entries.db):  # the compliance export's rendering, from the database
        audit = json.loads(b"[" + b"".join(audit_json_copy(entries)) + b"]")
    else:
        audit = json.loads(json.dumps(list(audit_records(entries)), cls=DjangoJSONEncoder))
    record_action("user.data_exported", actor=actor, target=actor, extra={"models": sorted(related)})
    return {
        "exported_at": timezone.now(),
        "user": profile,
        "related": related,
        "audit_log": audit,
    }


def pseudonym_for(user) -> str:
    """Stable per user (same input, same pseudonym), not reversible without the secret key."""
    digest = hmac.new(settings.SECRET_KEY.encode(), f"erasure:{user.pk}".encode(), hashlib.sha256).hexdigest()
    return f"erased-{digest[:16]}"


def _replace(value, needles: list[str], replacement: str):
    if isinstance(value, str):
        for needle in needles:
            value = re.sub(re.escape(needle), replacement, value, flags=re.IGNORECASE)
        return value
    if isinstance(value, list):
        return [_replace(item, needles, replacement) for item in value]
    if isinstance(value, dict):
        return {key: _replace(item, needles, replacement) for key, item in value.items()}
    return value


def _revoke_sessions(user) -> int:
    revoked = 0
    try:
        from apps.accounts.services import user_sessions_revoke_all
    except ImportError:
        user_sessions_revoke_all = None
    if user_sessions_revoke_all is not None:
        result = user_sessions_revoke_all(user=user, actor=user)
        revoked += result if isinstance(result, int) else 0
    from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

    for token in OutstandingToken.objects.filter(user=user).exclude(blacklistedtoken__isnull=False):
        BlacklistedToken.objects.get_or_create(token=token)
        revoked += 1
    return revoked


def _replace_ips(value, ips: set[str]):
    """`value` (str, list, dict) with each whole IP address of `ips` replaced by REDACTED."""
    if not ips:
        return value
    if isinstance(value, str):
        pattern = r"(?<![\w.:])(?:" + "|".join(re.escape(ip) for ip in sorted(ips)) + r")(?![\w.:])"
        return re.sub(pattern, REDACTED, value)
    if isinstance(value, list):
        return [_replace_ips(item, ips) for item in value]
    if isinstance(value, dict):
        return {key: _replace_ips(item, ips) for key, item in value.items()}
    return value


def _own_entries(user) -> Q:
    """Audit entries that record the person's own requests: made by them, or about them by nobody
    signed in (logins, failed logins, lockouts, e-mailed links)."""
    return Q(actor_id=user.pk) | Q(object_pk=str(user.pk), actor__isnull=True)


def _personal_ips(user) -> set[str]:
    """Every IP address the platform recorded for the person's own requests (sessions, audit)."""
    sessions = apps.get_model("accounts.UserSession").objects.filter(user=user).exclude(ip_address=None)
    ips = {str(ip) for ip in sessions.values_list("ip_address", flat=True)}
    own = LogEntry.objects.filter(_own_entries(user)).exclude(remote_addr=None)
    ips |= {str(ip) for ip in own.values_list("remote_addr", flat=True).distinct()}
    return ips


def _pseudonymise_audit(user, *, identifiers: list[str], pseudonym_email: str, ips: set[str]) -> int:
    """Rewrite the person's identifiers (e-mail, names -> the pseudonym e-mail; IP addresses ->
    REDACTED) in every audit column that holds them; mark the rewritten entries' chain links redacted.
    The IP of every entry recording the person's own requests is cleared. Returns the entries
    rewritten."""
    enter_maintenance()
    lock_chain_head()  # no sealer links an entry between its rewrite and the redaction of links
    mentions = Q(actor_id=user.pk) | Q(object_pk=str(user.pk))
    for identifier in identifiers:
        mentions |= Q(object_repr__icontains=identifier) | Q(changes__icontains=identifier)
        mentions |= Q(additional_data__icontains=identifier) | Q(actor_email__iexact=identifier)
    own_ids = set(LogEntry.objects.filter(_own_entries(user)).values_list("pk", flat=True))
    entry_ids = list(LogEntry.objects.filter(mentions).values_list("pk", flat=True))
    for entry in LogEntry.objects.filter(pk__in=entry_ids).iterator(chunk_size=500):
        fields = {
            "object_repr": _replace(entry.object_repr, identifiers, pseudonym_email),
            "changes": _replace(entry.changes, identifiers, pseudonym_email),
            "changes_text": _replace(entry.changes_text, identifiers, pseudonym_email),
            "serialized_data": _replace(entry.serialized_data, identifiers, pseudonym_email),
            "additional_data": _replace(entry.additional_data, identifiers, pseudonym_email),
            "actor_email": _replace(entry.actor_email, identifiers, pseudonym_email),
        }
        if entry.pk in own_ids:
            for name in ("object_repr", "changes", "changes_text", "serialized_data", "additional_data"):
                fields[name] = _replace_ips(fields[name], ips)
            fields["remote_addr"] = None
        if entry.actor_id == user.pk:
            fields["actor_email"] = pseudonym_email
        if entry.object_pk == str(user.pk):
            fields["object_repr"] = pseudonym_email
        LogEntry.objects.filter(pk=entry.pk).update(**fields)
    AuditChainLink.objects.filter(entry_id__in=entry_ids).update(
        personal_salt=None, redacted_at=timezone.now(), export_changes=None
    )
    # Django admin's own history names the object by its str() (the e-mail) too.
    from django.contrib.admin.models import LogEntry as AdminLogEntry
    from django.contrib.contenttypes.models import ContentType

    AdminLogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(type(user)), object_id=str(user.pk)
    ).update(object_repr=pseudonym_email[:200])
    return len(entry_ids)


def user_erase(*, actor, password: str) -> dict:
    """Erase the caller's account by pseudonymisation.

    Preconditions: the password confirms the request (422 otherwise); the caller owns no workspace
    that still has other members (409: transfer ownership first). Personal fields are replaced,
    the account is deactivated (status `deleted`), sessions and refresh tokens revoked, pending
    invitations to the address rewritten, and audit entries keep the pseudonym instead of the
    person. Audited as `user.erased` (by the pseudonym).
    """
    if not password or not actor.check_password(password):
        raise ValidationFailed.field("password", "The password is incorrect.")
    membership = apps.get_model("workspaces.WorkspaceMember")
    owned = membership.objects.filter(user_id=actor.pk, role="owner", workspace__deleted_at__isnull=True)
    shared = [
        str(pk)
        for pk in owned.values_list("workspace_id", flat=True)
        if membership.objects.filter(workspace_id=pk).exclude(user_id=actor.pk).exists()
    ]
    if shared:
        raise Conflict(
            "Transfer the ownership of your shared workspaces before erasing your account.",
            details={"workspace_ids": shared},
        )
    pseudonym = pseudonym_for(actor)
    pseudonym_email = f"{pseudonym}@{ERASED_DOMAIN}"
    identifiers = [value for value in {actor.email, actor.username, actor.full_name} if value and len(value) >= 3]
    user_model = type(actor)
    with transaction.atomic():
        user = user_model.objects.select_for_update().get(pk=actor.pk)
        revoked = _revoke_sessions(user)
        integrations = erasure_steps_run(user=user)
        consumers = apps.get_model("events.EventConsumer").objects.filter(owner=user, is_active=True)
        integrations["event_consumers_deactivated"] = consumers.update(is_active=False)
        ips = _personal_ips(user)
        changed = {"email": pseudonym_email, "username": pseudonym, "full_name": ERASED_NAME}
        for field in user._meta.concrete_fields:
            if field.name in changed or field.name == "password" or field.choices or field.is_relation:
                continue
            if isinstance(field, models.CharField | models.TextField) and field.blank:
                changed[field.name] = None if field.null else ""
        model_update(instance=user, fields=changed, data=changed, save=False)
        user.status = "deleted"
        user.is_active = False
        user.is_staff = False
        user.set_unusable_password()
        with disable_auditlog():  # a diff of the old e-mail would bring the person back into the log
            user.save()
        apps.get_model("workspaces.Invitation").objects.filter(email__iexact=actor.email).update(email=pseudonym_email)
        apps.get_model("accounts.UserSession").objects.filter(user=user).update(ip_address=None, user_agent="")
        rewritten = _pseudonymise_audit(user, identifiers=identifiers, pseudonym_email=pseudonym_email, ips=ips)
        # The request's audit context still names the person (e-mail, IP): the rest of it, the
        # `user.erased` entry first, is attributed to the pseudonymised account with no IP.
        rebind_actor(user, remote_addr=None)
        record_action("user.erased", actor=user, target=user, extra={"pseudonym": pseudonym, **integrations})
    return {
        "user_id": str(user.pk),
        "pseudonym": pseudonym,
        "erased_at": timezone.now(),
        "sessions_revoked": revoked,
        **integrations,
        "audit_entries_pseudonymised": rewritten,
    }
