"""Storefront routes of the cart (included by shop/storefront_urls.py)."""

from django.urls import path

from . import views

urlpatterns = [
    path("cart", views.cart, name="cart"),
    path("cart/update", views.update, name="cart-update"),
    path("cart/remove", views.remove, name="cart-remove"),
    path("cart/empty", views.empty, name="cart-empty"),
]
