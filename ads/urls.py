"""Storefront routes of the ads service (included by shop/storefront_urls.py)."""

from django.urls import path

from . import views

urlpatterns = [
    path("ads/<int:ad_id>/click", views.ad_click, name="ad-click"),
]
