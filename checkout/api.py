"""REST endpoints of the checkout service (thin: validate, call services, serialize)."""

urlpatterns: list = []
