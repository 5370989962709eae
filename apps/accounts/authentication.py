"""Bearer authentication for the API (JWT access tokens)."""

from rest_framework_simplejwt.authentication import JWTAuthentication as SimpleJWTAuthentication

from apps.core.audit import bind_actor


class JWTAuthentication(SimpleJWTAuthentication):
    """simplejwt's bearer authentication; binds the caller as the actor of audit entries."""

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is not None:
            bind_actor(result[0])
        return result
