import datetime as dt

import factory
from django.utils import timezone

from apps.core import crypto
from apps.integrations.models import (
    ApiToken,
    Consent,
    OAuthApp,
    OAuthConnection,
    Plugin,
    PluginInstallation,
    Webhook,
    WebhookDelivery,
)
from apps.integrations.services.tokens import current_pepper_version, hash_token
from tests.factories.accounts import UserFactory
from tests.factories.workspaces import WorkspaceFactory


class ApiTokenFactory(factory.django.DjangoModelFactory):
    """A token whose secret is `raw` (only its hash is stored); read it back as `token.raw`."""

    class Meta:
        model = ApiToken

    user = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"Token {n}")
    raw = factory.Sequence(lambda n: f"prona_factory-token-{n:04d}-abcdefghijklmnopqrstuvwxyz012345")
    token_hash = factory.LazyAttribute(lambda o: hash_token(o.raw))
    hash_version = factory.LazyFunction(current_pepper_version)
    token_prefix = factory.LazyAttribute(lambda o: o.raw[:12])
    scopes = factory.LazyFunction(lambda: ["read:projects"])
    expires_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=30))

    @classmethod
    def _create(cls, model_class, *args, raw, **kwargs):
        token = super()._create(model_class, *args, **kwargs)
        token.raw = raw
        return token


class WebhookFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Webhook
        exclude = ["secret"]

    workspace = factory.SubFactory(WorkspaceFactory)
    created_by = factory.LazyAttribute(lambda o: o.workspace.created_by)
    name = factory.Sequence(lambda n: f"Webhook {n}")
    url = "https://hooks.example.com/pronaflow"
    secret = "factory-webhook-secret-0123456789"
    secret_encrypted = factory.LazyAttribute(lambda o: crypto.encrypt(o.secret))
    subscribed_events = factory.LazyFunction(lambda: {"task.created": True})


class WebhookDeliveryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WebhookDelivery

    webhook = factory.SubFactory(WebhookFactory)
    event = None
    event_type = "task.created"
    body = factory.LazyFunction(lambda: {"event_type": "task.created", "data": {}})


class OAuthAppFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OAuthApp

    provider_name = factory.Sequence(lambda n: f"provider_{n}")
    display_name = factory.Sequence(lambda n: f"Provider {n}")
    authorize_url = "https://provider.example.com/oauth/authorize"
    scopes = factory.LazyFunction(lambda: ["read"])


class OAuthConnectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OAuthConnection

    user = factory.SubFactory(UserFactory)
    oauth_app = factory.SubFactory(OAuthAppFactory)
    external_user_id = factory.Sequence(lambda n: f"account-{n}")
    access_token_encrypted = factory.LazyFunction(lambda: crypto.encrypt("provider-access-token"))
    last_verified_at = factory.LazyFunction(timezone.now)


class PluginFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Plugin

    slug = factory.Sequence(lambda n: f"plugin-{n}")
    name = factory.Sequence(lambda n: f"Plugin {n}")
    version = "1.0.0"
    author = "Plugin Author"
    description = "Does useful things"
    category = "productivity"
    manifest = factory.LazyFunction(dict)


class PluginInstallationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PluginInstallation

    plugin = factory.SubFactory(PluginFactory)
    workspace = factory.SubFactory(WorkspaceFactory)
    installed_by = factory.LazyAttribute(lambda o: o.workspace.created_by)


class ConsentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Consent

    user = factory.SubFactory(UserFactory)
    consent_type = "THIRD_PARTY"
    resource_type = "slack_integration"
    resource_id = factory.Sequence(lambda n: f"resource-{n}")
    granted_at = factory.LazyFunction(timezone.now)
