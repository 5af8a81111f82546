"""Storefront routes (ARCHITECTURE.md "Storefront routes"); each service issue adds its pages."""

urlpatterns: list = []
