"""REST endpoints of the payments service (thin: validate, call services, serialize)."""

urlpatterns: list = []
