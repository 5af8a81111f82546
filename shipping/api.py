"""REST endpoints of the shipping service (thin: validate, call services, serialize)."""

urlpatterns: list = []
