"""Which remote calls gRPC itself retries: the service config every channel carries (gRFC A6).

A call's deadline is its one budget, retries included: gRPC gives up at the deadline whatever
attempts remain, and never retries DEADLINE_EXCEEDED (the budget is spent). It retries
UNAVAILABLE only (the service was not reached, or it could not serve just then), with
exponential backoff and full jitter, and only the methods named here: a second run of each
changes nothing. Any other method is attempted once. The policy is per method, not per call,
so a method that is safe to repeat only with some arguments is not named.
"""

from __future__ import annotations

import json

RETRIED_METHODS: dict[str, tuple[str, ...]] = {
    "hipstershop.ProductCatalogService": ("ListProducts", "GetProduct", "SearchProducts"),
    "boutique.ProductBatchService": ("GetProducts",),
    "hipstershop.CurrencyService": ("GetSupportedCurrencies", "Convert"),
    # Not AddItem: a retried add adds twice.
    "hipstershop.CartService": ("GetCart", "EmptyCart"),
    "boutique.CartLineService": ("SetQuantity", "RemoveItem"),
    # Not Charge (PaymentService): only a charge with an idempotency key may run twice.
    "boutique.PaymentAdminService": ("Void", "Refund", "VoidByKey"),
    # Not ShipOrder: only a shipment with an order reference may run twice.
    "hipstershop.ShippingService": ("GetQuote",),
    # Cancelling a cancelled shipment changes nothing.
    "boutique.ShipmentAdminService": ("Cancel",),
    # One confirmation per order id.
    "hipstershop.EmailService": ("SendOrderConfirmation",),
    # Not ResendOrderConfirmation: a retried resend sends twice.
    "boutique.EmailAdminService": ("DeliveryReport",),
    # At most one order per cart: a retried PlaceOrder answers with the order already placed.
    "hipstershop.CheckoutService": ("PlaceOrder",),
    "boutique.CustomerOrderService": ("PlaceOrder", "GetOrder"),
    "hipstershop.RecommendationService": ("ListRecommendations",),
    # Not boutique.AdClickService's Click: a retried click counts twice.
    "hipstershop.AdService": ("GetAds",),
}
# gRPC clamps maxAttempts to 5 (and logs an error about it); clamp first.
MAX_ATTEMPTS = 5


def service_config(attempts: int) -> dict:
    """At most `attempts` attempts (the first included) of every method in RETRIED_METHODS."""
    attempts = min(attempts, MAX_ATTEMPTS)
    if attempts < 2:  # gRPC refuses a retry policy of fewer than two attempts
        return {"methodConfig": []}
    return {
        "methodConfig": [
            {
                "name": [
                    {"service": service, "method": method}
                    for service, methods in RETRIED_METHODS.items()
                    for method in methods
                ],
                "retryPolicy": {
                    "maxAttempts": attempts,
                    "initialBackoff": "0.05s",
                    "maxBackoff": "1s",
                    "backoffMultiplier": 2,
                    "retryableStatusCodes": ["UNAVAILABLE"],
                },
            }
        ]
    }


def channel_options(attempts: int) -> list[tuple[str, str]]:
    return [("grpc.service_config", json.dumps(service_config(attempts)))]
