"""The storefront's routes: the original frontend's, plus category and search pages, the cart's
per-line changes, the customer's order page, the counted ad click and the original's picture
paths."""

from django.urls import include, path, re_path

from . import ad_views, cart_views, checkout_views, error_pages, pictures, views

# The checkout's routes keep the "checkout" namespace: the checkout service reverses the order
# page's link by that name for its e-mails and API answers.
checkout_patterns = [
    path("cart/checkout", checkout_views.checkout, name="checkout"),
    path("order/<uuid:order_id>", checkout_views.order_detail, name="order-detail"),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("product/<str:product_id>", views.product_detail, name="product"),
    path("category/<slug:slug>", views.category, name="category"),
    path("search", views.search, name="search"),
    path("setCurrency", views.set_currency, name="set-currency"),
    path("logout", views.logout, name="logout"),
    path("robots.txt", error_pages.robots_txt, name="robots"),
    path("cart", cart_views.cart, name="cart"),
    path("cart/update", cart_views.update, name="cart-update"),
    path("cart/remove", cart_views.remove, name="cart-remove"),
    path("cart/empty", cart_views.empty, name="cart-empty"),
    path("", include((checkout_patterns, "checkout"))),
    path("ads/<int:ad_id>/click", ad_views.ad_click, name="ad-click"),
    # The original's picture paths (static files would win if one existed under that name).
    re_path(
        r"^static/img/products/(?P<name>[A-Za-z0-9_-]{1,100})\.(?:jpe?g|png|gif|webp|svg)$",
        pictures.product_picture,
        name="product-picture",
    ),
]
