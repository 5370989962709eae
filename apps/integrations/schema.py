"""OpenAPI: API tokens as a bearer scheme, so /docs documents `Authorization: Bearer prona_...`."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class ApiTokenAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "apps.integrations.authentication.ApiTokenAuthentication"
    name = "apiTokenAuth"
    priority = 1

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "prona_<token>",
            "description": (
                "Personal API token from POST /api/v1/integration/tokens, limited to its scopes "
                "(GET /api/v1/integration/tokens/scopes) and rate-limited by its tier."
            ),
        }
