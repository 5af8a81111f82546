"""REST endpoints of the recommendations service (thin: validate, call services, serialize)."""

urlpatterns: list = []
