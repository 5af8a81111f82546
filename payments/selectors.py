"""Read queries of the payments service."""

from django.db.models import QuerySet

from .models import Charge


def charge_list() -> QuerySet[Charge]:
    """Settled charges, newest first (a pending one is seconds old and not yet a result)."""
    return Charge.objects.exclude(status=Charge.Status.PENDING)
