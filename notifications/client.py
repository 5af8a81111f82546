"""The Email service's interface as its consumers see it, its gRPC implementation and
the factory that picks it or the in-process one (local.py, imported only when picked)."""

from __future__ import annotations

from typing import Protocol

from shop import registry
from shop.dto import OrderResult
from shop.rpc.client import RemoteClient
from shop.rpc.convert import order_result_to_pb
from shop.rpc.protos import hipstershop_pb2 as pb
from shop.rpc.protos import hipstershop_pb2_grpc as pb_grpc

# Registers the notifications service's error codes, so remote calls raise its own errors.
from . import errors  # noqa: F401

ORDER_URL_METADATA_KEY = "order-url"


class EmailClient(Protocol):
    def send_order_confirmation(
        self, email: str, order: OrderResult, *, order_url: str | None = None
    ) -> None:
        """Queues the confirmation; delivery is the Email service's promise, retried there.
        order_url: the customer's link to the order page, shown in the e-mail."""
        ...


class GrpcEmailClient(RemoteClient):
    stub_class = pb_grpc.EmailServiceStub
    service_label = "e-mail"

    def send_order_confirmation(
        self, email: str, order: OrderResult, *, order_url: str | None = None
    ) -> None:
        request = pb.SendOrderConfirmationRequest(email=email, order=order_result_to_pb(order))
        # hipstershop.OrderResult has no link field: the link travels as metadata.
        metadata = ((ORDER_URL_METADATA_KEY, order_url),) if order_url else None
        # Idempotent on the service side: one confirmation per order id.
        self.call("SendOrderConfirmation", request, metadata=metadata)


def _local() -> EmailClient:
    # Imported on first use only: a process that calls this service remotely never loads its ORM.
    from .local import LocalEmailClient

    return LocalEmailClient()


def email_client() -> EmailClient:
    return registry.pick("notifications", local=_local, remote=GrpcEmailClient)
