"""Bearer authentication for the API (JWT access tokens)."""

from rest_framework_simplejwt.authentication import JWTAuthentication as SimpleJWTAuthentication


class JWTAuthentication(SimpleJWTAuthentication):
    """simplejwt's bearer authentication; only active users may authenticate."""
