"""REST endpoints of the ads service (thin: validate, call services, serialize)."""

urlpatterns: list = []
