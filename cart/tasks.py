"""Celery tasks of the cart service (thin: call one service)."""

from celery import shared_task

from . import services


@shared_task
def purge_idle_carts() -> int:
    return services.cart_purge_idle()
