"""Scope enforcement for API tokens, in one place (listed after IsAuthenticated in
DEFAULT_PERMISSION_CLASSES).

Requests not authenticated with an API token pass untouched. For token requests the required
scopes come from apps.integrations.scopes.PATH_SCOPES. A token without them gets 403 FORBIDDEN
naming the missing scopes; paths closed to tokens (/auth/*, /integration/tokens*) get 403.
"""

from __future__ import annotations

from rest_framework.permissions import BasePermission

from apps.core.exceptions import PermissionDenied
from apps.integrations.models import ApiToken
from apps.integrations.scopes import required_scopes


class TokenScopePermission(BasePermission):
    def has_permission(self, request, view) -> bool:
        token = request.auth
        if not isinstance(token, ApiToken):
            return True
        needed = required_scopes(request.path, request.method)
        if needed is None:
            raise PermissionDenied(
                "API tokens cannot use this endpoint; sign in to use it.",
                details={"reason": "endpoint_closed_to_api_tokens"},
            )
        missing = [scope for scope in needed if scope not in token.scopes]
        if missing:
            raise PermissionDenied(
                f"The API token lacks the scope {', '.join(missing)}.",
                details={"missing_scopes": missing, "required_scopes": needed},
            )
        return True
