"""Storefront routes (ARCHITECTURE.md "Storefront routes"); each service adds its pages."""

from django.urls import include, path

from shop import storefront

urlpatterns = [
    path("", storefront.home, name="home"),
    path("product/<str:product_id>", storefront.product_detail, name="product"),
    path("category/<slug:slug>", storefront.category, name="category"),
    path("search", storefront.search, name="search"),
    path("setCurrency", storefront.set_currency, name="set-currency"),
    path("logout", storefront.logout, name="logout"),
    path("", include("cart.urls")),
    path("", include("checkout.urls")),
    path("", include("ads.urls")),
]
