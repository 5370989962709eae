from rest_framework.renderers import JSONRenderer

from apps.core.api.envelope import Envelope, error_body


class EnvelopeJSONRenderer(JSONRenderer):
    """Wraps every body that is not already an envelope; 204 answers stay empty."""

    def render(self, data, accepted_media_type=None, renderer_context=None):
        response = (renderer_context or {}).get("response")
        if response is not None:
            if response.status_code == 204:
                return b""
            if not isinstance(data, Envelope):
                if response.status_code >= 400:
                    detail = data.get("detail") if isinstance(data, dict) else None
                    data = error_body(
                        "INTERNAL_ERROR" if response.status_code >= 500 else "INVALID_REQUEST",
                        str(detail or "Request failed."),
                    )
                else:
                    data = Envelope(success=True, data=data)
        return super().render(data, accepted_media_type, renderer_context)
