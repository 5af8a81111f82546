"""REST endpoints of the notifications service (thin: validate, call services, serialize)."""

urlpatterns: list = []
