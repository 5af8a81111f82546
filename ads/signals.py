"""Any change to an ad (admin, shell, demo load) invalidates the cached live ads."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import Ad
from .services import ads_changed


@receiver([post_save, post_delete], sender=Ad)
def _ad_changed(**kwargs) -> None:
    ads_changed()
