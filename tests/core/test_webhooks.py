"""apps.core.webhooks without a database: secrets and signatures against the Standard Webhooks
reference library, and the address rules of the SSRF guard."""

import base64
import time

import pytest
from standardwebhooks import Webhook as StandardWebhook

from apps.core import webhooks

BODY = b'{"event_type":"task.created","data":{"title":"Design UI"}}'


def headers(*secrets: str, message_id: str = "msg_1", timestamp: int | None = None) -> dict:
    timestamp = timestamp or int(time.time())
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": webhooks.signature(list(secrets), message_id, timestamp, BODY),
    }


def test_a_generated_secret_is_a_standard_webhooks_secret_of_32_bytes():
    secret = webhooks.new_secret()
    assert secret.startswith("whsec_") and len(base64.b64decode(secret.removeprefix("whsec_"))) == 32
    assert webhooks.new_secret() != secret
    assert StandardWebhook(secret).verify(BODY, headers(secret)) == {
        "event_type": "task.created",
        "data": {"title": "Design UI"},
    }


def test_a_text_secret_signs_with_its_utf8_bytes_and_has_a_standard_form():
    secret = "receiver-shared-secret-0123456789"
    assert webhooks.signing_key(secret) == secret.encode()
    standard = webhooks.standard_secret(secret)
    assert standard == "whsec_" + base64.b64encode(secret.encode()).decode()
    assert StandardWebhook(standard).verify(BODY, headers(secret))


def test_the_signature_covers_the_message_id_and_the_timestamp():
    secret = webhooks.new_secret()
    signed = headers(secret, message_id="msg_1", timestamp=1_700_000_000)["webhook-signature"]
    assert webhooks.signature([secret], "msg_2", 1_700_000_000, BODY) != signed
    assert webhooks.signature([secret], "msg_1", 1_700_000_001, BODY) != signed
    assert webhooks.signature([secret], "msg_1", 1_700_000_000, BODY + b" ") != signed


def test_during_a_rotation_both_secrets_sign_and_either_verifies():
    new, old = webhooks.new_secret(), webhooks.new_secret()
    signed = headers(new, old)
    assert len(signed["webhook-signature"].split(" ")) == 2
    assert StandardWebhook(new).verify(BODY, signed) and StandardWebhook(old).verify(BODY, signed)


def test_the_plain_hmac_header_signs_the_body_with_the_same_key():
    import hashlib
    import hmac

    secret = webhooks.new_secret()
    key = base64.b64decode(secret.removeprefix("whsec_"))
    expected = "sha256=" + hmac.new(key, BODY, hashlib.sha256).hexdigest()
    assert webhooks.plain_signature(secret, BODY) == expected
    text = "receiver-shared-secret-0123456789"
    assert webhooks.plain_signature(text, BODY) == "sha256=" + hmac.new(text.encode(), BODY, hashlib.sha256).hexdigest()


def test_retry_delays_of_the_three_policies(settings):
    settings.WEBHOOK_RETRY_BASE_SECONDS = 30
    settings.WEBHOOK_RETRY_MAX_SECONDS = 6 * 3600
    assert [webhooks.retry_delay("exponential", n).total_seconds() for n in (1, 2, 3, 4)] == [30, 60, 120, 240]
    assert [webhooks.retry_delay("linear", n).total_seconds() for n in (1, 2, 3, 4)] == [30, 60, 90, 120]
    assert [webhooks.retry_delay("fixed", n).total_seconds() for n in (1, 2, 3, 4)] == [30, 30, 30, 30]
    settings.WEBHOOK_RETRY_MAX_SECONDS = 100
    assert webhooks.retry_delay("exponential", 10).total_seconds() == 100


@pytest.mark.parametrize(
    ("secret", "valid"),
    [
        ("any text key of sixteen+ chars", True),
        ("whsec_" + base64.b64encode(bytes(24)).decode(), True),
        ("whsec_" + base64.b64encode(bytes(64)).decode(), True),
        ("whsec_" + base64.b64encode(bytes(32)).decode().rstrip("="), True),  # padding optional
        ("whsec_" + base64.b64encode(bytes(23)).decode(), False),
        ("whsec_" + base64.b64encode(bytes(65)).decode(), False),
        ("whsec_" + base64.urlsafe_b64encode(b"\xfb" * 32).decode(), False),  # URL-safe alphabet
        ("whsec_not base64", False),
    ],
)
def test_a_chosen_whsec_secret_must_be_a_valid_standard_webhooks_secret(secret, valid):
    if valid:
        assert webhooks.check_secret(secret) == secret
    else:
        with pytest.raises(ValueError, match="whsec_"):
            webhooks.check_secret(secret)


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("8.8.8.8", True),
        ("2606:4700::1111", True),
        ("64:ff9b::808:808", True),  # NAT64 of a public address
        ("2002:808:808::1", True),  # 6to4 of a public address
        ("127.0.0.1", False),
        ("10.0.0.1", False),
        ("100.64.0.1", False),
        ("169.254.169.254", False),
        ("224.0.0.1", False),
        ("::1", False),
        ("fe80::1%eth0", False),
        ("fd00::1", False),
        ("ff02::1", False),
        ("::ffff:127.0.0.1", False),  # IPv4-mapped
        ("::ffff:0:7f00:1", False),  # IPv4-translated
        ("::127.0.0.1", False),  # IPv4-compatible
        ("::7f00:1", False),
        ("64:ff9b::a9fe:a9fe", False),  # NAT64 of the metadata address
        ("64:ff9b:1::808:808", False),  # NAT64 local-use prefix
        ("2002:7f00:1::1", False),  # 6to4 of loopback
        ("2002:a00:1::1", False),  # 6to4 of 10.0.0.1
        ("2001:0:4136:e378:8000:63bf:80ff:fffe", False),  # Teredo
        ("2600::5efe:7f00:1", False),  # ISATAP interface id of loopback
        ("2600::200:5efe:a9fe:a9fe", False),
    ],
)
def test_public_addresses_are_global_and_embed_no_private_ipv4(address, public):
    assert webhooks.is_public(address) is public


@pytest.mark.parametrize(
    "url",
    [
        "http://2130706433/",
        "http://0x7f000001/",
        "http://127.1/",
        "http://0177.0.0.1/",
        "http://0x7f.1/",
        "http://\uff11\uff12\uff17.\uff10.\uff10.\uff11/",
        "http://[64:ff9b::a9fe:a9fe]/",
        "http://[::127.0.0.1]/",
        "http://[::7f00:1]/",
        "http://[2002:7f00:1::1]/",
        "http://[::ffff:0:7f00:1]/",
    ],
)
def test_the_issue_s_urls_are_refused_without_any_dns_lookup(url, settings, monkeypatch):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = False

    def no_dns(*args, **kwargs):
        raise AssertionError("a literal address needs no DNS lookup")

    monkeypatch.setattr("apps.core.webhooks.socket.getaddrinfo", no_dns)
    with pytest.raises(webhooks.UnsafeTarget):
        webhooks.check_target(url, resolve=False)
    with pytest.raises(webhooks.UnsafeTarget):
        webhooks.validate_target(url)


def test_host_names_that_are_not_host_names_are_refused(settings):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = False
    for url in (
        "http://exa mple.com/",
        "http://example.com%2F@x/",
        "http://1.2.3.4.5/",
        "http://a.0x10000000000/",
        "http://[::zz]/",
    ):
        with pytest.raises(webhooks.UnsafeTarget):
            webhooks.validate_target(url)


def test_allowed_hosts_open_named_hosts_addresses_and_networks(settings, monkeypatch):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = False
    settings.WEBHOOK_ALLOWED_HOSTS = ["hooks.internal", "10.1.0.0/16", "fd00::7", "192.168.5.5"]
    monkeypatch.setattr(
        "apps.core.webhooks.socket.getaddrinfo", lambda host, port, **kw: [(2, 1, 6, "", ("10.1.2.3", port))]
    )
    for url in (
        "http://hooks.internal/x",
        "http://10.1.200.3/x",
        "http://[fd00::7]/x",
        "http://192.168.5.5/x",
        "https://ci.example.com/x",  # resolves into 10.1.0.0/16
    ):
        assert webhooks.validate_target(url) == url
    for url in ("http://10.2.0.1/x", "http://[fd00::8]/x", "http://192.168.5.6/x", "http://127.0.0.1/x"):
        with pytest.raises(webhooks.UnsafeTarget):
            webhooks.validate_target(url)
