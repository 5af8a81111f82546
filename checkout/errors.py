"""Errors of the checkout service, shared by placement, reads and staff transitions."""

from __future__ import annotations

from shop.errors import Concurrent, Conflict, NotFound, PreconditionFailed, ServiceUnavailable


class CartEmpty(PreconditionFailed):
    code = "cart_empty"
    default_message = "Your cart is empty: add something before checking out."


class OrderNotFound(NotFound):
    code = "order_not_found"
    default_message = "There is no such order."


class IdempotencyKeyReused(Conflict):
    code = "idempotency_key_reused"
    default_message = (
        "This Idempotency-Key was already used for a different order request. "
        "Use a new key for a new order."
    )


class AnotherCheckoutFirst(Concurrent):
    """A checkout of the same cart came first. `order_id` names its order, for the cart's owner
    (the storefront shows it); it stays in this process, never crossing the gRPC seam."""

    code = "another_checkout_first"

    def __init__(self, message: str | None = None, *, order_id: str = "", **options):
        super().__init__(message, **options)
        self.order_id = order_id


class CheckoutInProgress(AnotherCheckoutFirst):
    """This same submission (same key) is still running elsewhere."""

    code = "checkout_in_progress"
    default_message = (
        "Your order is still being processed. Please wait a few seconds and try again."
    )


class CartCheckoutInProgress(AnotherCheckoutFirst):
    """Another submission (other key: other e-mail, address, card...) is checking this cart out."""

    code = "cart_checkout_in_progress"
    default_message = (
        "This cart is already being checked out by another submission. Please wait a few "
        "seconds: if that checkout fails, you can try again."
    )


class CartAlreadyOrdered(AnotherCheckoutFirst):
    """Another submission's order bought this cart after this one had read it."""

    code = "cart_already_ordered"
    default_message = "This cart's items were ordered moments ago by another submission."


class InvalidTransition(Conflict):
    code = "order_invalid_transition"


class CheckoutInterrupted(ServiceUnavailable):
    """Our database went away in the middle of a checkout. The order stays pending; its recovery
    (queued before the charge, the sweep as backstop) voids any charge by the order id once the
    database is back, so the customer is told exactly that."""

    code = "checkout_interrupted"
    default_message = (
        "We could not complete your order: our database is not answering. If your card was "
        "charged, the charge will be cancelled automatically within a few minutes, so you will "
        "not pay for this order. Please try again shortly."
    )
