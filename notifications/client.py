"""The Email service's interface as its consumers see it, its gRPC implementation and
the factory that picks it or the in-process one (local.py, imported only when picked).

The original EmailService only sends a confirmation; resending one and the delivery figures
travel over our extension service boutique.EmailAdminService
(shop/rpc/protos/boutique_notifications.proto), served next to it by the same server.
"""

from __future__ import annotations

from datetime import date
from typing import Protocol

from shop import registry
from shop.dto import DeliveryDay, OrderResult
from shop.rpc.client import RemoteClient
from shop.rpc.convert import order_result_to_pb
from shop.rpc.lazy import LazyModule

# Registers the notifications service's error codes, so remote calls raise its own errors.
from . import errors  # noqa: F401

# grpc and the generated modules load with the first remote call (shop/rpc/lazy.py).
admin_pb = LazyModule("shop.rpc.protos.boutique_notifications_pb2")
admin_pb_grpc = LazyModule("shop.rpc.protos.boutique_notifications_pb2_grpc")
pb = LazyModule("shop.rpc.protos.hipstershop_pb2")
pb_grpc = LazyModule("shop.rpc.protos.hipstershop_pb2_grpc")

ORDER_URL_METADATA_KEY = "order-url"


class EmailClient(Protocol):
    def send_order_confirmation(
        self, email: str, order: OrderResult, *, order_url: str | None = None
    ) -> None:
        """Queues the confirmation; delivery is the Email service's promise, retried there.
        order_url: the customer's link to the order page, shown in the e-mail."""
        ...

    def resend_order_confirmation(
        self, email: str, order: OrderResult, *, order_url: str | None = None
    ) -> None:
        """Queues the order's confirmation again (even one already sent); one that was never
        recorded is recorded and queued, as send_order_confirmation would."""
        ...

    def delivery_report(self, since: date) -> tuple[DeliveryDay, ...]:
        """Messages sent and given up on, per day recorded (from `since`, oldest first; days
        without messages absent)."""
        ...


def _order_url_metadata(order_url: str | None) -> tuple[tuple[str, str], ...] | None:
    # hipstershop.OrderResult has no link field: the link travels as metadata.
    return ((ORDER_URL_METADATA_KEY, order_url),) if order_url else None


class _GrpcEmailAdminClient(RemoteClient):
    stub_module = admin_pb_grpc
    stub_name = "EmailAdminServiceStub"
    service_label = "e-mail"


class GrpcEmailClient(RemoteClient):
    stub_module = pb_grpc
    stub_name = "EmailServiceStub"
    service_label = "e-mail"

    def __init__(self, address: str, **options):
        super().__init__(address, **options)
        self.admin = _GrpcEmailAdminClient(address, **options)

    def send_order_confirmation(
        self, email: str, order: OrderResult, *, order_url: str | None = None
    ) -> None:
        request = pb.SendOrderConfirmationRequest(email=email, order=order_result_to_pb(order))
        # Idempotent on the service side: one confirmation per order id.
        self.call("SendOrderConfirmation", request, metadata=_order_url_metadata(order_url))

    def resend_order_confirmation(
        self, email: str, order: OrderResult, *, order_url: str | None = None
    ) -> None:
        request = pb.SendOrderConfirmationRequest(email=email, order=order_result_to_pb(order))
        # Attempted once (shop/rpc/retry.py): a retried resend could send twice.
        self.admin.call("ResendOrderConfirmation", request, metadata=_order_url_metadata(order_url))

    def delivery_report(self, since: date) -> tuple[DeliveryDay, ...]:
        request = admin_pb.DeliveryReportRequest(since=since.isoformat())
        response = self.admin.call("DeliveryReport", request)
        return tuple(
            DeliveryDay(date.fromisoformat(day.day), day.sent, day.failed) for day in response.days
        )


def _local() -> EmailClient:
    # Imported on first use only: a process that calls this service remotely never loads its ORM.
    from .local import LocalEmailClient

    return LocalEmailClient()


def email_client() -> EmailClient:
    return registry.pick("notifications", local=_local, remote=GrpcEmailClient)
