"""The REST API's settings shop/settings.py takes: DRF (REST_FRAMEWORK) and its OpenAPI schema
(SPECTACULAR_SETTINGS). The budgets come from the environment, read in settings.py."""

from __future__ import annotations


def rest_framework_settings(
    *,
    anon_read_rate: str,
    anon_write_rate: str,
    token_rate: str,
    anon_order_rate: str,
    anon_quote_rate: str,
    num_proxies: int,
) -> dict:
    return {
        "DEFAULT_AUTHENTICATION_CLASSES": [
            "rest_framework.authentication.TokenAuthentication",
            "rest_framework.authentication.SessionAuthentication",
        ],
        "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
        # drf-spectacular's AutoSchema, imported when a schema is generated (shop/api_schema.py).
        "DEFAULT_SCHEMA_CLASS": "shop.api_schema.DeferredAutoSchema",
        "DEFAULT_PAGINATION_CLASS": "shop.links.SitePagination",
        "PAGE_SIZE": 20,
        "EXCEPTION_HANDLER": "shop.api.problem_exception_handler",
        "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
        # JSON bodies only: anything else is a 415 (docs/api.md); bounded in size and depth.
        "DEFAULT_PARSER_CLASSES": ["shop.parsers.BoundedJSONParser"],
        "TEST_REQUEST_DEFAULT_FORMAT": "json",
        "COERCE_DECIMAL_TO_STRING": True,
        "DEFAULT_THROTTLE_CLASSES": [
            "shop.throttling.AnonReadThrottle",
            "shop.throttling.AnonWriteThrottle",
            "shop.throttling.TokenThrottle",
        ],
        "DEFAULT_THROTTLE_RATES": {
            "anon_read": anon_read_rate,
            "anon_write": anon_write_rate,
            "user": token_rate,
            # Each resource's own anonymous write budget.
            "anon_orders": anon_order_rate,
            "anon_quotes": anon_quote_rate,
        },
        # Client IPs come from X-Forwarded-For only behind NUM_PROXIES trusted proxies (an
        # ingress: 1); with none configured DRF would believe any client's X-Forwarded-For and
        # let it dodge the per-IP throttles, so the default is 0: the peer address.
        "NUM_PROXIES": num_proxies,
    }


SPECTACULAR = {
    "TITLE": "Boutique API",
    "DESCRIPTION": "The integrators' REST API of the Boutique shop.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Makes DEFAULT_SCHEMA_CLASS drf-spectacular's AutoSchema first (shop/api_schema.py).
    "DEFAULT_GENERATOR_CLASS": "shop.api_schema_generator.SchemaGenerator",
    # Swagger UI served from our own static files (no CDN).
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Each service has its own status field; name their enums after their resource.
    "ENUM_NAME_OVERRIDES": {
        "OrderStatusEnum": "checkout.models.Order.Status",
        "EmailStatusEnum": "notifications.models.EmailMessage.Status",
        "ChargeStatusEnum": "payments.models.ChargeStatus",
        "ShipmentStatusEnum": "shipping.models.ShipmentStatus",
    },
    # The error responses and examples of the API as a whole (docs/api.md).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "shop.api.add_problem_responses",
    ],
}
