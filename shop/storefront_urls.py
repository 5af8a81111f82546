"""Storefront routes (ARCHITECTURE.md "Storefront routes"); each service issue adds its pages."""

urlpatterns: list = []

# The cart's pages (appended last, so every issue's block stays independent).
from cart.urls import urlpatterns as cart_urlpatterns  # noqa: E402

urlpatterns += cart_urlpatterns
