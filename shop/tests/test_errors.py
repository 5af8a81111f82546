import grpc
import pytest
from rest_framework.test import APIRequestFactory

from currency.services import UnsupportedCurrency
from shop.api import problem_exception_handler
from shop.errors import (
    KINDS,
    Concurrent,
    NotFound,
    PreconditionFailed,
    ServiceUnavailable,
    ShopError,
    error_from_grpc,
)


def test_every_kind_maps_to_http_grpc_and_page():
    assert {name: (k.http_status, k.grpc_status, k.page_status) for name, k in KINDS.items()} == {
        "invalid": (400, grpc.StatusCode.INVALID_ARGUMENT, 422),
        "not_found": (404, grpc.StatusCode.NOT_FOUND, 404),
        "conflict": (409, grpc.StatusCode.ALREADY_EXISTS, 409),
        "concurrent": (409, grpc.StatusCode.ABORTED, 409),
        "precondition": (422, grpc.StatusCode.FAILED_PRECONDITION, 422),
        "declined": (402, grpc.StatusCode.INVALID_ARGUMENT, 422),
        "unavailable": (503, grpc.StatusCode.UNAVAILABLE, 503),
    }


def test_a_subclass_with_an_unknown_kind_is_refused():
    with pytest.raises(TypeError):
        type("Odd", (ShopError,), {"kind": "weird", "code": "odd"})


def test_grpc_error_code_restores_the_exact_subclass():
    error = error_from_grpc(grpc.StatusCode.INVALID_ARGUMENT, "nope", "unsupported_currency")
    assert type(error) is UnsupportedCurrency


def test_grpc_status_without_code_falls_back_to_the_kind():
    assert type(error_from_grpc(grpc.StatusCode.NOT_FOUND, "x", None)) is NotFound
    assert type(error_from_grpc(grpc.StatusCode.FAILED_PRECONDITION, "x", None)) is (
        PreconditionFailed
    )
    assert type(error_from_grpc(grpc.StatusCode.UNAVAILABLE, "x", None)) is ServiceUnavailable
    assert type(error_from_grpc(grpc.StatusCode.ABORTED, "x", None)) is Concurrent
    assert error_from_grpc(grpc.StatusCode.INTERNAL, "x", None) is None


def test_domain_error_becomes_a_problem_document():
    request = APIRequestFactory().get("/api/v1/x")
    response = problem_exception_handler(UnsupportedCurrency("XXX"), {"request": request})
    assert response.status_code == 400
    assert response.content_type == "application/problem+json"
    assert response.data["status"] == 400
    assert response.data["code"] == "unsupported_currency"
    assert "XXX" in response.data["detail"]
    assert response.data["errors"] == {"currency": ["'XXX' is not a supported currency code."]}


def test_an_error_that_clears_by_itself_says_when_to_retry():
    request = APIRequestFactory().post("/api/v1/x")
    response = problem_exception_handler(Concurrent(retry_after=2), {"request": request})
    assert (response.status_code, response["Retry-After"]) == (409, "2")
    response = problem_exception_handler(Concurrent(), {"request": request})
    assert "Retry-After" not in response
