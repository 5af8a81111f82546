"""Read queries of the shipping service."""

from django.db.models import QuerySet

from .models import Shipment


def shipment_list() -> QuerySet[Shipment]:
    return Shipment.objects.all()
