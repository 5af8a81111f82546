"""API-wide pieces: RFC 9457 problem responses for every error."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler

from shop.errors import ShopError

PROBLEM_CONTENT_TYPE = "application/problem+json"


def problem_response(
    *,
    status_code: int,
    title: str,
    detail: str,
    code: str,
    errors: dict | None = None,
    headers=None,
) -> Response:
    body = {
        "type": f"https://boutique.example/problems/{code}",
        "title": title,
        "status": status_code,
        "detail": detail,
        "code": code,
    }
    if errors:
        body["errors"] = errors
    return Response(body, status=status_code, headers=headers, content_type=PROBLEM_CONTENT_TYPE)


def _field_errors(data) -> dict:
    if isinstance(data, dict):
        return {key: value if isinstance(value, list) else [value] for key, value in data.items()}
    return {"non_field_errors": data if isinstance(data, list) else [data]}


def problem_exception_handler(exc, context) -> Response | None:
    if isinstance(exc, ShopError):
        return problem_response(
            status_code=exc.spec.http_status,
            title=exc.spec.title,
            detail=exc.message,
            code=exc.code,
            errors=exc.fields,
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        return problem_response(
            status_code=response.status_code,
            title="Invalid input",
            detail="The request body has invalid fields.",
            code="invalid",
            errors=_field_errors(exc.detail),
        )
    detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
    return problem_response(
        status_code=response.status_code,
        title=response.status_text,
        detail=str(detail),
        code=getattr(exc, "default_code", "error"),
        headers={k: v for k, v in response.items() if k in ("Retry-After", "WWW-Authenticate")},
    )
