"""The API's one parser: JSON, bounded in depth, its strings free of control characters.

DRF's own JSONParser lets the RecursionError of a deeply nested body escape as a 500. No body of
this API nests deeper than a few levels, so MAX_DEPTH leaves ample room. (The size is bounded
before: DRF reads the body through Django's request.body, which refuses one larger than
DATA_UPLOAD_MAX_MEMORY_SIZE; shop.api answers that with a 413.)
"""

from __future__ import annotations

import json

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

from shop.input_checks import JSON_MESSAGE, unsafe_text

MAX_DEPTH = 32


class BoundedJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        raw = stream.read() if stream is not None else b""
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise ParseError("JSON parse error - the body is not UTF-8.") from None
        try:
            data = json.loads(text, parse_constant=json_constant_refused)
        except RecursionError:
            raise ParseError(f"The JSON body nests deeper than {MAX_DEPTH} levels.") from None
        except ValueError as exc:
            raise ParseError(f"JSON parse error - {exc}") from None
        _check(data)
        return data


def json_constant_refused(name: str):
    raise ValueError(f"{name} is not a JSON value")


def _check(data: object) -> None:
    """Walks the parsed body without recursion: too deep, or an unsafe string, is a 400."""
    pending = [(data, 1)]
    while pending:
        value, depth = pending.pop()
        if isinstance(value, str):
            if unsafe_text(value):
                raise ParseError(JSON_MESSAGE)
        elif isinstance(value, dict | list):
            if depth > MAX_DEPTH:
                raise ParseError(f"The JSON body nests deeper than {MAX_DEPTH} levels.")
            items = value.items() if isinstance(value, dict) else ((None, item) for item in value)
            for key, item in items:
                if key is not None and unsafe_text(key):
                    raise ParseError(JSON_MESSAGE)
                pending.append((item, depth + 1))
