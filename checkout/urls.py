"""Storefront routes of the checkout (included by shop/storefront_urls.py)."""

from django.urls import path

from . import views

app_name = "checkout"

urlpatterns = [
    path("cart/checkout", views.checkout, name="checkout"),
    path("order/<uuid:order_id>", views.order_detail, name="order-detail"),
]
