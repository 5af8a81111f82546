"""Any change to the shipping rate (admin, shell saves) invalidates the rate in memory."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import ShippingRate
from .services import rate_memo


@receiver([post_save, post_delete], sender=ShippingRate)
def _rate_changed(**kwargs) -> None:
    rate_memo.changed()
