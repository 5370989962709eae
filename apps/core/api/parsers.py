"""The API's JSON parser: refuses bodies nested deeper than JSON_MAX_DEPTH before decoding them.

Python's JSON decoder recurses once per nesting level, so a body of 100,000 nested arrays ends in a
RecursionError (a 500) before any serializer sees it. The depth is counted on the raw bytes first,
in one pass that does not recurse; a body over the limit answers 400 INVALID_REQUEST. Fields stored
as JSON (event consumer config, plugin configuration, report filters) apply the same limit through
`validate_json_depth`.
"""

from __future__ import annotations

import io
import re
from itertools import accumulate

from rest_framework import parsers
from rest_framework.exceptions import ParseError

# The deepest nesting of arrays and objects a JSON body or a stored JSON field may have.
JSON_MAX_DEPTH = 64

# A JSON string, or the rest of the text after an unterminated one ("? keeps this linear: a match
# never fails, so the engine never retries from the next quote).
_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"?', re.DOTALL)
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
_STEP = [0] * 256
for _opener in b"[{":
    _STEP[_opener] = 1
for _closer in b"]}":
    _STEP[_closer] = -1


def json_bytes_depth(raw: bytes) -> int:
    """The deepest nesting of arrays/objects in the JSON text `raw` (bytes in any ASCII-compatible
    encoding), without decoding it: brackets inside strings are ignored. Unbalanced or malformed
    text is measured as far as it goes (the decoder reports it afterwards). Linear in len(raw), in
    C loops (about 0.1 s per MB of brackets). Returns an int >= 0."""
    brackets = _STRING.sub(b"", raw).translate(None, _NOT_BRACKETS)
    return max(accumulate(map(_STEP.__getitem__, brackets)), default=0)


def json_value_depth(value, limit: int = JSON_MAX_DEPTH) -> int:
    """The nesting depth of a decoded JSON value (a scalar is 0, `[]` and `{}` are 1), counted
    iteratively; stops counting once past `limit` (returns limit + 1 then)."""
    deepest = 0
    stack = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, (list, tuple)):
            children = item
        else:
            continue
        depth += 1
        if depth > limit:
            return limit + 1
        deepest = max(deepest, depth)
        stack.extend((child, depth) for child in children)
    return deepest


def validate_json_depth(value, limit: int = JSON_MAX_DEPTH):
    """Serializer/field validator: raise DRF's ValidationError when `value` (decoded JSON) nests
    deeper than `limit` levels; returns `value` unchanged otherwise."""
    from rest_framework.exceptions import ValidationError

    if json_value_depth(value, limit) > limit:
        raise ValidationError(f"Nested deeper than {limit} levels.")
    return value


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser behind a depth check of the raw body: ParseError (400 INVALID_REQUEST) when
    it nests deeper than JSON_MAX_DEPTH. A body over DATA_UPLOAD_MAX_MEMORY_SIZE raises Django's
    RequestDataTooBig while being read (413 PAYLOAD_TOO_LARGE in the exception handler)."""

    def parse(self, stream, media_type=None, parser_context=None):
        raw = stream.read() if stream is not None else b""
        if json_bytes_depth(raw) > JSON_MAX_DEPTH:
            raise ParseError(f"JSON nested deeper than {JSON_MAX_DEPTH} levels.")
        return super().parse(io.BytesIO(raw), media_type, parser_context)
