"""The base of every request-body serializer: what a body says is either used or refused.

DRF drops keys a serializer does not declare and read-only ones without a word, so a typo or a field
that cannot be changed (`PATCH /projects/{id}` with `status`, a token's `scopes`) answered 200 with
nothing changed. And a CharField turns 123, 1.5 or true into "123", "1.5", "True". With
`StrictInputMixin` first in its bases, a write serializer answers 422 VALIDATION_ERROR naming:

- each key it does not declare ("Unknown field.", or the serializer's own `refused_fields` message),
- each read-only key ("This field is read-only."): echoed values are refused too, even when equal
  to the stored ones (the SDKs send only the fields a caller passes; a client that sends a fetched
  object back whole learns at once which keys to drop),
- each string field (CharField and its kinds: e-mail, URL, slug, regex; list and dict items too)
  given something else than a JSON string ("Must be a string."), like StrictBooleanField for booleans,
- each integer or float field given a string or a boolean ("Must be a number."): `"3"` is not 3.
  Decimal fields take strings as well, since PronaFlow writes decimals as strings (`"2.50"`) and a
  client sends back what it read.

Nested serializers of a body carry the mixin too (tests/core/test_strict_bodies.py walks them all).
"""

from collections.abc import Mapping

from rest_framework import serializers

UNKNOWN_FIELD = "Unknown field."
READ_ONLY_FIELD = "This field is read-only."
NOT_A_STRING = "Must be a string."
NOT_A_NUMBER = "Must be a number."


def _type_errors(field, value):
    """The error of `value` for `field` when a JSON string or number is wanted and another type
    came, else None."""
    if value is None:
        return None  # allow_null decides
    if isinstance(field, serializers.CharField):
        return None if isinstance(value, str) else [NOT_A_STRING]
    if isinstance(field, serializers.IntegerField | serializers.FloatField):
        return [NOT_A_NUMBER] if isinstance(value, str | bool) else None
    if isinstance(field, serializers.ListField) and isinstance(value, list):
        errors = {index: error for index, item in enumerate(value) if (error := _type_errors(field.child, item))}
        return errors or None
    if isinstance(field, serializers.DictField) and isinstance(value, Mapping):
        errors = {key: error for key, item in value.items() if (error := _type_errors(field.child, item))}
        return errors or None
    return None


# Refuses unknown and read-only keys and non-string strings (module docstring). A serializer may map
# a refused key to a message of its own in `refused_fields` (why it cannot be sent). No docstring on
# purpose: drf-spectacular would show an inherited one as the description of every request schema.
class StrictInputMixin:
    refused_fields: dict[str, str] = {}

    def to_internal_value(self, data):
        errors = {}
        if isinstance(data, Mapping):
            for key, value in data.items():
                field = self.fields.get(key)
                if key in self.refused_fields:
                    errors[key] = [self.refused_fields[key]]
                elif field is None:
                    errors[key] = [UNKNOWN_FIELD]
                elif field.read_only:
                    errors[key] = [READ_ONLY_FIELD]
                elif error := _type_errors(field, value):
                    errors[key] = error
        if not errors:
            return super().to_internal_value(data)
        try:  # the other fields' errors are told in the same answer
            super().to_internal_value({key: value for key, value in data.items() if key not in errors})
        except serializers.ValidationError as other:
            if isinstance(other.detail, Mapping):
                errors = {**other.detail, **errors}
        raise serializers.ValidationError(errors)
