"""pronaflow.webhooks.verify: Standard Webhooks signatures."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json

import pytest

from pronaflow import webhooks
from pronaflow.webhooks import WebhookVerificationError

NOW = 1_770_000_000
BODY = json.dumps({"type": "task.created", "data": {"id": "t1"}}).encode()
RAW_KEY = b"0123456789abcdef0123456789abcdef"
WHSEC = "whsec_" + base64.b64encode(RAW_KEY).decode()


def signature(key: bytes, msg_id="msg_1", timestamp=NOW, body=BODY) -> str:
    digest = hmac.new(key, f"{msg_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def headers(sig: str, msg_id="msg_1", timestamp=NOW) -> dict:
    return {"Webhook-Id": msg_id, "Webhook-Timestamp": str(timestamp), "Webhook-Signature": sig}


def test_a_whsec_secret_is_base64_decoded():
    payload = webhooks.verify(WHSEC, headers(signature(RAW_KEY)), BODY, now=NOW)
    assert payload == {"type": "task.created", "data": {"id": "t1"}}


def test_any_other_secret_is_used_as_utf8_bytes():
    secret = "plain-secret-\u00e9"
    assert (
        webhooks.verify(secret, headers(signature(secret.encode())), BODY.decode(), now=NOW)["type"] == "task.created"
    )


def test_one_matching_signature_among_several_is_enough():
    sig = " ".join(["v1,bm90LWl0", "v2,whatever", signature(RAW_KEY)])
    assert webhooks.verify(WHSEC, headers(sig), BODY, now=NOW)


def test_sign_matches_verify():
    sig = webhooks.sign(WHSEC, "msg_9", NOW, BODY)
    assert webhooks.verify(WHSEC, headers(sig, msg_id="msg_9"), BODY, now=NOW)


@pytest.mark.parametrize(
    ("sig", "body", "msg_id"),
    [
        (signature(b"another key"), BODY, "msg_1"),
        (signature(RAW_KEY), BODY + b" ", "msg_1"),
        (signature(RAW_KEY), BODY, "msg_2"),
        ("v2," + signature(RAW_KEY).split(",", 1)[1], BODY, "msg_1"),
        ("", BODY, "msg_1"),
    ],
)
def test_a_wrong_signature_is_refused(sig, body, msg_id):
    with pytest.raises(WebhookVerificationError):
        webhooks.verify(WHSEC, headers(sig, msg_id=msg_id), body, now=NOW)


@pytest.mark.parametrize(("offset", "ok"), [(-301, False), (-299, True), (299, True), (301, False)])
def test_the_timestamp_must_be_within_five_minutes(offset, ok):
    sig = signature(RAW_KEY, timestamp=NOW + offset)
    h = headers(sig, timestamp=NOW + offset)
    if ok:
        assert webhooks.verify(WHSEC, h, BODY, now=NOW)
    else:
        with pytest.raises(WebhookVerificationError, match="timestamp"):
            webhooks.verify(WHSEC, h, BODY, now=NOW)


@pytest.mark.parametrize("missing", ["Webhook-Id", "Webhook-Timestamp", "Webhook-Signature"])
def test_missing_headers_are_refused(missing):
    h = headers(signature(RAW_KEY))
    del h[missing]
    with pytest.raises(WebhookVerificationError, match=missing.lower()):
        webhooks.verify(WHSEC, h, BODY, now=NOW)


def test_a_malformed_timestamp_is_refused():
    with pytest.raises(WebhookVerificationError):
        webhooks.verify(WHSEC, headers(signature(RAW_KEY), timestamp="soon"), BODY, now=NOW)


def test_uses_the_current_time_by_default():
    with pytest.raises(WebhookVerificationError, match="too old"):
        webhooks.verify(WHSEC, headers(signature(RAW_KEY)), BODY)  # NOW is in the past


def test_interoperates_with_the_standard_webhooks_reference_library():
    """What a sender using the `standardwebhooks` package signs, verify() accepts, and back."""
    standardwebhooks = pytest.importorskip("standardwebhooks")
    import datetime as dt

    sender = standardwebhooks.Webhook(WHSEC)
    sent_at = dt.datetime.now(tz=dt.timezone.utc).replace(microsecond=0)
    signed = sender.sign("msg_ref", sent_at, BODY.decode())
    h = {"webhook-id": "msg_ref", "webhook-timestamp": str(int(sent_at.timestamp())), "webhook-signature": signed}
    assert webhooks.verify(WHSEC, h, BODY)["type"] == "task.created"

    ours = webhooks.sign(WHSEC, "msg_ref", int(sent_at.timestamp()), BODY)
    assert sender.verify(BODY, {**h, "webhook-signature": ours}) == json.loads(BODY)
