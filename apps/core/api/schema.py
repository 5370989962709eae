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
                        "PAYLOAD_TOO_LARGE, UNSUPPORTED_MEDIA_TYPE, NOT_ACCEPTABLE, VALIDATION_ERROR, RATE_LIMITED, "
                        "INTERNAL_ERROR, ...",
                    },
                    "message": {"type": "string"},
                    "details": {"description": "Field -> messages for validation errors; context otherwise."},
                },
            },
            "timestamp": {"type": "string", "format": "date-time"},
        },
    }
    return result


# The documentation's sections, in module order, with one naming style (the views declare short
# lower-case tags; this is where they get their documented names and order).
TAG_ORDER = (
    ("auth", "Auth", "Module 1: registration, login, sessions, MFA"),
    ("workspaces", "Workspaces", "Module 2: workspaces, members, invitations"),
    ("projects", "Projects", "Module 3: projects and project members"),
    ("tasks", "Tasks", "Module 4: task lists, tasks, subtasks, assignees, dependencies"),
    ("scheduling", "Scheduling", "Module 5: critical path, Gantt, plan workflow, baselines, milestones"),
    ("collaboration", "Collaboration", "Module 6: comments, mentions, search"),
    ("notifications", "Notifications", "Module 7: in-app notifications, preferences, live stream"),
    ("events", "Events", "Module 7: the domain-event log and event consumers"),
    ("archive", "Archive", "Module 8: archiving projects"),
    ("trash", "Trash", "Module 8: the trash bin"),
    ("audit logs", "Audit logs", "Module 8: the tamper-evident audit log"),
    ("compliance", "Compliance", "Module 8: compliance exports and GDPR tools"),
    ("preferences", "Preferences", "Module 9: personalization"),
    ("analytics", "Analytics", "Module 11: project metrics and burndown"),
    ("reports", "Reports", "Module 11: reports, runs and exports"),
    ("integration: api tokens", "Integrations: API tokens", "Module 12: personal API tokens"),
    ("integration: webhooks", "Integrations: webhooks", "Module 12: webhooks and their deliveries"),
    ("integration: oauth", "Integrations: OAuth", "Module 12: OAuth apps and connections"),
    ("integration: plugins", "Integrations: plugins", "Module 12: the plugin catalogue and installations"),
    ("integration: consents", "Integrations: consents", "Module 12: versioned consents"),
    ("integration: status", "Integrations: status", "Module 12: integration status and health"),
    ("health", "Health", "Service health"),
)


def order_tags(result, generator, request, public):
    """Postprocessing hook: give every operation's tag its documented name and list the tags in
    module order, so Swagger UI and ReDoc show one naming style in the spec's order. A tag not in
    TAG_ORDER keeps its name, capitalised, after the known ones."""
    names = {key: name for key, name, _ in TAG_ORDER}
    seen = []
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            if isinstance(operation, dict) and "tags" in operation:
                operation["tags"] = [names.get(tag.lower(), tag[:1].upper() + tag[1:]) for tag in operation["tags"]]
                seen += [tag for tag in operation["tags"] if tag not in seen]
    known = [{"name": name, "description": text} for _, name, text in TAG_ORDER if name in seen]
    result["tags"] = known + [{"name": tag} for tag in seen if tag not in {t["name"] for t in known}]
    return result
