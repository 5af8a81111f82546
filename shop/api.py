"""API-wide pieces: RFC 9457 problem responses for every error, the Idempotency-Key rule, and
the schema's error responses (one component per status, added to every operation by rule)."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import Http404, JsonResponse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions
from rest_framework.decorators import api_view, permission_classes, throttle_classes
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import exception_handler, set_rollback

from shop.errors import InvalidArgument, ShopError
from shop.observability.metrics import dependency_error_observe
from shop.outages import outage, retry_after_seconds

logger = logging.getLogger(__name__)

PROBLEM_CONTENT_TYPE = "application/problem+json"
IDEMPOTENCY_KEY_MAX_LENGTH = 255


def problem_body(
    *, status_code: int, title: str, detail: str, code: str, errors: dict | None = None
) -> dict:
    body = {
        "type": f"https://boutique.example/problems/{code}",
        "title": title,
        "status": status_code,
        "detail": detail,
        "code": code,
    }
    if errors:
        body["errors"] = errors
    return body


def problem_response(
    *,
    status_code: int,
    title: str,
    detail: str,
    code: str,
    errors: dict | None = None,
    headers=None,
) -> Response:
    body = problem_body(
        status_code=status_code, title=title, detail=detail, code=code, errors=errors
    )
    return Response(body, status=status_code, headers=headers, content_type=PROBLEM_CONTENT_TYPE)


def plain_problem_response(*, status_code: int, title: str, detail: str, code: str):
    """The same problem outside any API view (a middleware's answer), as a plain JsonResponse."""
    body = problem_body(status_code=status_code, title=title, detail=detail, code=code)
    return JsonResponse(body, status=status_code, content_type=PROBLEM_CONTENT_TYPE)


def _field_errors(data) -> dict:
    """The serializer's errors, shaped like the body: a field's messages as a list, a nested
    object's as an object, a list of objects' as an object keyed by the failing items' indexes."""
    if isinstance(data, dict):
        return {key: _messages(value) for key, value in data.items()}
    return {"non_field_errors": _messages(data)}


def _messages(value):
    if isinstance(value, dict):
        return {key: _messages(inner) for key, inner in value.items()}
    if isinstance(value, list):
        return [_messages(item) if isinstance(item, dict | list) else str(item) for item in value]
    return [str(value)]


def _summary(errors: dict, prefix: str = "") -> list[str]:
    """'address.city: Enter the city.' for each message, so `detail` alone says what is wrong."""
    lines = []
    for key, value in errors.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            lines += _summary(value, f"{name}.")
            continue
        for index, item in enumerate(value):
            if isinstance(item, dict | list):
                lines += _summary({str(index): item}, f"{name}.")
            elif key == "non_field_errors" and not prefix:
                lines.append(item)
            else:
                lines.append(f"{name}: {item}")
    return lines


class BodyTooLarge(exceptions.APIException):
    status_code = 413
    default_code = "too_large"


def body_too_large() -> BodyTooLarge:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return BodyTooLarge(f"The body is larger than the {limit} bytes this API accepts.")


def problem_exception_handler(exc, context) -> Response | None:
    unavailable = outage(exc)
    if unavailable is not None and unavailable is not exc:
        # The database or Redis did not answer: a 503 to retry, never a 500 (shop/outages.py).
        dependency_error_observe(exc, "api")
        logger.warning("%s: %s", unavailable.code, exc)
        set_rollback()
        exc = unavailable
    if isinstance(exc, ShopError):
        retry = retry_after_seconds(exc)
        return problem_response(
            status_code=exc.spec.http_status,
            title=exc.spec.title,
            detail=exc.message,
            code=exc.code,
            errors=exc.fields,
            headers={"Retry-After": str(retry)} if retry else None,
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, RequestDataTooBig):
        exc = body_too_large()
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = _field_errors(exc.detail)
        return problem_response(
            status_code=response.status_code,
            title="Invalid input",
            detail="The request has invalid fields. " + " ".join(_summary(errors)),
            code="invalid",
            errors=errors,
        )
    detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
    return problem_response(
        status_code=response.status_code,
        title=response.status_text,
        detail=str(detail),
        code=getattr(exc, "default_code", "error"),
        headers={k: v for k, v in response.items() if k in ("Retry-After", "WWW-Authenticate")},
    )


@extend_schema(exclude=True)
@api_view(["GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE"])
@permission_classes([AllowAny])
@throttle_classes([])
def api_not_found(request, *args, **kwargs):
    """Any path under /api/v1/ that names no resource: a problem, never the HTML 404 page."""
    raise exceptions.NotFound(f"There is no API resource at {request.path}.")


# --- Idempotency-Key: one rule for orders/ and payments/charges/ ----------------------------


class IdempotencyKeyRequired(InvalidArgument):
    code = "idempotency_key_required"
    default_message = (
        "Send an Idempotency-Key header (e.g. a UUID) with this request, so that a retry can "
        "never charge the card twice."
    )


class IdempotencyKeyTooLong(InvalidArgument):
    code = "idempotency_key_invalid"
    default_message = (
        f"The Idempotency-Key header is longer than {IDEMPOTENCY_KEY_MAX_LENGTH} characters."
    )


IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    location=OpenApiParameter.HEADER,
    required=True,
    description="Required; unique per operation (a UUID will do), at most "
    f"{IDEMPOTENCY_KEY_MAX_LENGTH} characters. Sending it again with the same body replays the "
    "first answer and never charges again; with a different body it is a 409.",
)


def idempotency_key(request) -> str:
    """The request's Idempotency-Key header, required on every POST that moves money."""
    key = request.headers.get("Idempotency-Key", "").strip()
    if not key:
        raise IdempotencyKeyRequired()
    if len(key) > IDEMPOTENCY_KEY_MAX_LENGTH:
        raise IdempotencyKeyTooLong()
    return key


# --- the schema's error responses -----------------------------------------------------------

_PROBLEM_SCHEMA = {
    "type": "object",
    "description": "An RFC 9457 problem, sent as application/problem+json for every error.",
    "properties": {
        "type": {"type": "string", "format": "uri"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string", "description": "What is wrong, for a person to read."},
        "code": {"type": "string", "description": "A stable code, e.g. product_not_found."},
        "errors": {
            "type": "object",
            "additionalProperties": True,
            "description": "Per-field problems, shaped like the body: a field -> a list of "
            "messages; a nested object -> an object of its fields; a list of objects -> an "
            'object keyed by the index of each failing item, e.g. {"items": {"0": {"quantity": '
            '["..."]}}}.',
        },
    },
    "required": ["type", "title", "status", "detail", "code"],
}

# status -> (component name, description, example code, example detail)
_PROBLEMS = {
    400: ("BadRequest", "The body, a parameter, a header or the path is invalid (not JSON, "
          "nested too deep, a control character).",
          "invalid", "The request has invalid fields. quantity: The quantity must be at least 1."),
    401: ("Unauthorized", "No credentials: send `Authorization: Token <key>`.",
          "not_authenticated", "Authentication credentials were not provided."),
    402: ("PaymentRequired", "The card was refused; `detail` is the reason to show the customer.",
          "card_declined", "Your card was declined."),
    403: ("Forbidden", "Authenticated, but not allowed to do this (e.g. not staff).",
          "permission_denied", "You do not have permission to perform this action."),
    404: ("NotFound", "No such resource.", "not_found", "Not found."),
    409: ("Conflict", "The Idempotency-Key (or a shipment's reference) was used before with "
          "another body; or another request on the same thing came first (e.g. a checkout of "
          "the same cart): retry after `Retry-After` seconds when it is sent.",
          "idempotency_key_reused", "This Idempotency-Key was used for a different request."),
    413: ("ContentTooLarge", "The body is larger than the API accepts (2.5 MB by default).",
          "too_large", "The body is larger than the 2621440 bytes this API accepts."),
    415: ("UnsupportedMediaType", "The body is not `application/json`.",
          "unsupported_media_type", 'Unsupported media type "text/plain" in request.'),
    422: ("UnprocessableContent", "Valid, but cannot be done now (e.g. the cart is empty).",
          "cart_empty", "The cart is empty."),
    429: ("TooManyRequests", "Throttled; retry after `Retry-After` seconds.",
          "throttled", "Request was throttled. Expected available in 12 seconds."),
    503: ("ServiceUnavailable", "A service this operation needs is down; retry later.",
          "unavailable", "The cart is temporarily unavailable. Please try again in a moment."),
}  # fmt: skip

_HEADERS = {
    401: {"WWW-Authenticate": {"schema": {"type": "string"}, "description": "`Token`."}},
    409: {
        "Retry-After": {
            "schema": {"type": "integer"},
            "description": "Seconds to wait, when waiting may help.",
        }
    },
    429: {"Retry-After": {"schema": {"type": "integer"}, "description": "Seconds to wait."}},
    503: {"Retry-After": {"schema": {"type": "integer"}, "description": "Seconds to wait."}},
}


def _problem_component(status: int) -> dict:
    name, description, code, detail = _PROBLEMS[status]
    example = {"type": f"https://boutique.example/problems/{code}", "title": name,
               "status": status, "detail": detail, "code": code}  # fmt: skip
    if status == 400:
        example["errors"] = {"quantity": ["The quantity must be at least 1."]}
    component = {
        "description": description,
        "content": {
            PROBLEM_CONTENT_TYPE: {
                "schema": {"$ref": "#/components/schemas/Problem"},
                "example": example,
            }
        },
    }
    if status in _HEADERS:
        component["headers"] = _HEADERS[status]
    return component


def _error_statuses(method: str, operation: dict) -> set[int]:
    """Which errors an operation can answer, by rule (documented in docs/api.md)."""
    parameters = operation.get("parameters", [])
    # Any request may carry a control character in its path, query or headers (shop.middleware).
    statuses = {400, 429, 503}
    if "requestBody" in operation:
        statuses |= {413, 415, 422}
    elif method == "post":
        statuses.add(422)
    if any(p["in"] == "path" or p["name"] in ("page", "cursor") for p in parameters):
        statuses.add(404)  # an unknown id, or a page past the last
    if {} not in operation.get("security", [{}]):
        statuses |= {401, 403}
    if any(p["in"] == "header" and p["name"] == "Idempotency-Key" for p in parameters):
        statuses |= {402, 409}
    return statuses


def add_problem_responses(result, generator, request, public):
    """drf-spectacular postprocessing hook: one problem+json response component per status,
    referenced from every operation that can answer it."""
    components = result.setdefault("components", {})
    components.setdefault("schemas", {})["Problem"] = _PROBLEM_SCHEMA
    used: set[int] = set()
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            responses = operation["responses"]
            statuses = _error_statuses(method, operation)
            statuses |= {int(code) for code in responses if int(code) in _PROBLEMS}
            for status in sorted(statuses):
                responses[str(status)] = {"$ref": f"#/components/responses/{_PROBLEMS[status][0]}"}
            operation["responses"] = dict(sorted(responses.items()))
            used |= statuses
    components["responses"] = {_PROBLEMS[s][0]: _problem_component(s) for s in sorted(used)}
    return result
