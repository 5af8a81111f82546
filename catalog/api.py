"""REST endpoints of the catalog service (thin: validate, call services, serialize)."""

urlpatterns: list = []
