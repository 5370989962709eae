"""The base API view every app builds on, and the one way a request body is validated."""

from __future__ import annotations

from typing import Any

from rest_framework.generics import GenericAPIView


def validated(serializer_class, data, *, partial: bool = False, **context: Any) -> dict:
    """`data` run through `serializer_class(data=data, partial=partial, context=context)`.

    Returns the serializer's `validated_data` (an OrderedDict of field -> value). Raises DRF's
    ValidationError, which the exception handler answers as 422 VALIDATION_ERROR with `details`
    mapping each field to its messages.
    """
    serializer = serializer_class(data=data, partial=partial, context=context)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


# No class docstring: drf-spectacular would inherit it as the description of every subclass.
class ApiView(GenericAPIView):  # GenericAPIView plus `self.validated(...)` for the request body
    def validated(self, serializer_class, *, partial: bool = False, **context: Any) -> dict:
        """The request body validated by `serializer_class` (see `validated()`), with the view's
        serializer context (request, view, format) plus `context`. Raises DRF's ValidationError
        (422 VALIDATION_ERROR)."""
        return validated(
            serializer_class, self.request.data, partial=partial, **{**self.get_serializer_context(), **context}
        )
