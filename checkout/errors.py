"""Errors of the checkout service, shared by placement, reads and staff transitions."""

from __future__ import annotations

from shop.errors import Conflict, NotFound, PreconditionFailed


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


class CheckoutInProgress(Conflict):
    code = "checkout_in_progress"
    default_message = (
        "Your order is still being processed. Please wait a moment and reload the page."
    )


class InvalidTransition(Conflict):
    code = "order_invalid_transition"
