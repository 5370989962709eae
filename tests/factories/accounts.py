import factory
from django.utils import timezone
from rest_framework.test import APIClient

from apps.accounts.choices import UserStatus
from apps.accounts.models import User

DEFAULT_PASSWORD = "Correct-Horse-42!"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Faker("name")
    status = UserStatus.ACTIVE
    email_verified_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        self.set_password(extracted or DEFAULT_PASSWORD)
        if create:
            self.save(update_fields=["password"])


def token_pair_for(user, **kwargs):
    """A real session and token pair for `user` (what /auth/login would give): (session, TokenPair)."""
    from apps.accounts.services import user_token_pair_issue

    return user_token_pair_issue(user=user, **kwargs)


def bearer(token: str) -> APIClient:
    """An APIClient sending `Authorization: Bearer <token>` (a JWT access token or an API token)."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


def bearer_client_for(user) -> APIClient:
    """An APIClient that authenticates like a real client: `Authorization: Bearer <access token>`."""
    return bearer(token_pair_for(user)[1].access)
