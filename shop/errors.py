"""The one error hierarchy of the shop.

Every domain error is a ShopError subclass with a *kind*; the KINDS table maps a kind to the HTTP
status of the API, the gRPC status code and the storefront page status. Messages are written for
the person who reads them (a customer on a page, an integrator in a JSON body) and are safe to show.

Each subclass has a stable `code` (e.g. "product_not_found") that crosses the gRPC seam in the
trailing metadata with the per-field messages (shop/rpc/error_metadata.py), so a remote client
raises the same subclass, with the same `fields`, the local service raised.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

if TYPE_CHECKING:
    import grpc


@dataclass(frozen=True)
class Kind:
    name: str
    http_status: int
    # The name of a grpc.StatusCode: grpc itself loads only in a process that serves or calls it.
    grpc_status_name: str
    page_status: int
    title: str

    @property
    def grpc_status(self) -> grpc.StatusCode:
        import grpc

        return grpc.StatusCode[self.grpc_status_name]


KINDS: dict[str, Kind] = {
    kind.name: kind
    for kind in (
        Kind("invalid", 400, "INVALID_ARGUMENT", 422, "Invalid input"),
        Kind("not_found", 404, "NOT_FOUND", 404, "Not found"),
        Kind("conflict", 409, "ALREADY_EXISTS", 409, "Conflict"),
        # Another request on the same thing (e.g. a checkout of the same cart) came first.
        Kind("concurrent", 409, "ABORTED", 409, "Another request came first"),
        Kind("precondition", 422, "FAILED_PRECONDITION", 422, "Cannot do that now"),
        Kind("declined", 402, "INVALID_ARGUMENT", 422, "Payment refused"),
        Kind("unavailable", 503, "UNAVAILABLE", 503, "Temporarily unavailable"),
    )
}
_KIND_BY_GRPC_STATUS_NAME = {
    "INVALID_ARGUMENT": "invalid",
    "NOT_FOUND": "not_found",
    "ALREADY_EXISTS": "conflict",
    "ABORTED": "concurrent",
    "FAILED_PRECONDITION": "precondition",
    "UNAVAILABLE": "unavailable",
    "DEADLINE_EXCEEDED": "unavailable",
    "RESOURCE_EXHAUSTED": "unavailable",
}

_BY_CODE: dict[str, type[ShopError]] = {}


class ShopError(Exception):
    kind: ClassVar[str] = "invalid"
    code: ClassVar[str] = "error"
    default_message: ClassVar[str] = "Something went wrong."

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        if cls.kind not in KINDS:
            raise TypeError(f"{cls.__name__}.kind {cls.kind!r} is not one of {sorted(KINDS)}")
        if "code" in cls.__dict__:
            # A subclass without a code of its own (an internal refinement) is its parent's
            # error on the wire.
            _BY_CODE[cls.code] = cls

    def __init__(
        self,
        message: str | None = None,
        *,
        fields: dict[str, list[str]] | None = None,
        retry_after: int | None = None,
    ):
        self.message = message or self.default_message
        # Per-field problems, e.g. {"quantity": ["Must be between 1 and 10."]}.
        self.fields = fields or {}
        # Seconds after which the same request may succeed (REST `Retry-After`).
        self.retry_after = retry_after
        super().__init__(self.message)

    @property
    def spec(self) -> Kind:
        return KINDS[self.kind]


class InvalidArgument(ShopError):
    kind = "invalid"
    code = "invalid"
    default_message = "The request is not valid."


class NotFound(ShopError):
    kind = "not_found"
    code = "not_found"
    default_message = "Not found."


class Conflict(ShopError):
    kind = "conflict"
    code = "conflict"
    default_message = "This conflicts with an earlier request."


class Concurrent(ShopError):
    kind = "concurrent"
    code = "concurrent"
    default_message = "Another request on the same thing came first. Please try again shortly."


class PreconditionFailed(ShopError):
    kind = "precondition"
    code = "precondition"
    default_message = "This cannot be done now."


class Declined(ShopError):
    kind = "declined"
    code = "declined"
    default_message = "The payment was refused."


class NotSupported(PreconditionFailed):
    """The remote service does not offer the operation: e.g. the original Online Boutique's
    payment service has no Void or Refund (gRPC UNIMPLEMENTED)."""

    code = "not_supported"
    default_message = "The service does not offer this operation."


class ServiceUnavailable(ShopError):
    kind = "unavailable"
    code = "unavailable"
    default_message = "This part of the shop is temporarily unavailable. Please try again shortly."


def error_from_grpc(
    status: grpc.StatusCode,
    details: str,
    code: str | None,
    fields: dict[str, list[str]] | None = None,
) -> ShopError | None:
    """The domain error a remote service raised, or None for a status that is not a domain error.
    `fields` are the per-field messages the service sent: they replace whatever the subclass
    derives from the message, so the error is the one raised over there."""
    cls = _BY_CODE.get(code or "")
    if cls is not None:
        error = cls(details or None)
    else:
        kind = _KIND_BY_GRPC_STATUS_NAME.get(status.name)
        if kind is None:
            return None
        base = {
            "invalid": InvalidArgument,
            "not_found": NotFound,
            "conflict": Conflict,
            "concurrent": Concurrent,
            "precondition": PreconditionFailed,
            "unavailable": ServiceUnavailable,
        }[kind]
        error = base(details or None)
    if fields:
        error.fields = fields
    return error
