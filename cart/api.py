"""REST endpoints of the cart service (thin: validate, call services, serialize)."""

urlpatterns: list = []
