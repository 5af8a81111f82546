"""REST endpoints of the currency service (thin: validate, call services, serialize)."""

urlpatterns: list = []
