"""Storefront routes (ARCHITECTURE.md "Storefront routes"); each service issue adds its pages."""

urlpatterns: list = []

from django.urls import include, path  # noqa: E402

urlpatterns += [path("", include("checkout.urls"))]
