"""Any change to a rate (admin, task, shell) invalidates the cached rate table."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import ExchangeRate
from .services import rates_changed


@receiver([post_save, post_delete], sender=ExchangeRate)
def _rate_changed(**kwargs) -> None:
    rates_changed()
