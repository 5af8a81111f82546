"""The Email service's interface, as its consumers see it, and its implementations.

The local implementation calls notifications/services.py (filled by the notifications issue).
"""

from __future__ import annotations

from typing import Protocol

from shop import registry
from shop.dto import OrderResult
from shop.rpc.client import RemoteClient
from shop.rpc.convert import order_result_to_pb
from shop.rpc.protos import hipstershop_pb2 as pb
from shop.rpc.protos import hipstershop_pb2_grpc as pb_grpc

from . import services


class EmailClient(Protocol):
    def send_order_confirmation(self, email: str, order: OrderResult) -> None:
        """Queues the confirmation; delivery is the Email service's promise, retried there."""
        ...


class LocalEmailClient:
    def send_order_confirmation(self, email: str, order: OrderResult) -> None:
        services.order_confirmation_send(email=email, order=order)


class GrpcEmailClient(RemoteClient):
    stub_class = pb_grpc.EmailServiceStub
    service_label = "e-mail"

    def send_order_confirmation(self, email: str, order: OrderResult) -> None:
        request = pb.SendOrderConfirmationRequest(email=email, order=order_result_to_pb(order))
        # Idempotent on the service side: one confirmation per order id.
        self.call("SendOrderConfirmation", request, idempotent=True)


def email_client() -> EmailClient:
    return registry.pick("notifications", local=LocalEmailClient, remote=GrpcEmailClient)
