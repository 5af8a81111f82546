"""Storefront routes (ARCHITECTURE.md "Storefront routes"); each service issue adds its pages."""

from django.urls import include, path

urlpatterns: list = []
urlpatterns += [path("", include("ads.urls"))]
