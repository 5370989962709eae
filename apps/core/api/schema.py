"""OpenAPI that describes what the server really sends: the envelope and the error bodies."""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import force_instance, is_serializer

ERROR_SCHEMA_NAME = "ErrorResponse"
ERROR_REF = {"$ref": f"#/components/schemas/{ERROR_SCHEMA_NAME}"}

# Every operation can answer these; each description names the error code it carries.
ERROR_RESPONSES = {
    "400": "INVALID_REQUEST: malformed JSON or invalid parameters.",
    "401": "UNAUTHORIZED: missing, invalid or expired credentials.",
    "403": "FORBIDDEN: authenticated but not allowed.",
    "404": "NOT_FOUND: no such resource, or not visible to the caller.",
    "409": "CONFLICT: duplicate resource or a state that forbids the change.",
    "422": "VALIDATION_ERROR: `details` maps each field to its messages.",
    "429": "RATE_LIMITED: too many requests; see Retry-After.",
}
# Operations that take a body can also answer this.
BODY_ERROR_RESPONSES = {"413": "PAYLOAD_TOO_LARGE: the body is larger than the server accepts."}


def envelope_schema(data_schema: dict) -> dict:
    return {
        "type": "object",
        "required": ["success", "data"],
        "properties": {
            "success": {"type": "boolean"},
            "data": data_schema,
            "message": {"type": "string"},
        },
    }


def _is_enveloped(schema: dict) -> bool:
    if "success" in schema.get("properties", {}):
        return True
    return schema.get("$ref", "").rsplit("/", 1)[-1].startswith("Paginated")


def _declares_envelope(serializer) -> bool:
    """A response serializer with its own `success` field describes a whole envelope already."""
    response = getattr(serializer, "response", serializer)  # OpenApiResponse wraps the serializer
    instance = force_instance(response)
    return is_serializer(instance) and "success" in getattr(instance, "fields", {})


class EnvelopeAutoSchema(AutoSchema):
    def _get_response_for_code(self, serializer, status_code, media_types=None, direction="response"):
        response = super()._get_response_for_code(serializer, status_code, media_types, direction)
        if str(status_code).startswith("2") and not _declares_envelope(serializer):
            body = response.get("content", {}).get("application/json")
            if body and "schema" in body and not _is_enveloped(body["schema"]):
                body["schema"] = envelope_schema(body["schema"])
        return response

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        errors = dict(ERROR_RESPONSES)
        if self.method in ("POST", "PUT", "PATCH"):
            errors.update(BODY_ERROR_RESPONSES)
        for status, description in errors.items():
            responses.setdefault(
                status, {"description": description, "content": {"application/json": {"schema": ERROR_REF}}}
            )
        return responses


def add_error_envelope_component(result, generator, request, public):
    """Postprocessing hook: registers the error envelope every operation references."""
    result.setdefault("components", {}).setdefault("schemas", {})[ERROR_SCHEMA_NAME] = {
        "type": "object",
        "required": ["success", "error", "timestamp"],
        "properties": {
            "success": {"type": "boolean", "enum": [False]},
            "error": {
                "type": "object",
                "required": ["code", "message", "details"],
                "properties": {
                    "code": {
                        "type": "string",
                        "example": "VALIDATION_ERROR",
                        "description": "INVALID_REQUEST, UNAUTHORIZED, FORBIDDEN, NOT_FOUND, CONFLICT, "
                        "PAYLOAD_TOO_LARGE, VALIDATION_ERROR, RATE_LIMITED, INTERNAL_ERROR, ...",
                    },
                    "message": {"type": "string"},
                    "details": {"description": "Field -> messages for validation errors; context otherwise."},
                },
            },
            "timestamp": {"type": "string", "format": "date-time"},
        },
    }
    return result
