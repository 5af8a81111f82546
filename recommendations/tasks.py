"""Celery tasks of the recommendations service (thin: they call services)."""

from celery import shared_task

from . import services


@shared_task
def rebuild() -> int:
    """Periodic (CELERY_BEAT_SCHEDULE) and a short while after new purchases."""
    return services.recommendations_rebuild()


@shared_task
def purchase_recorded(order_id: str, product_ids: list[str]) -> bool:
    """Checkout queues this (on commit) for every placed order; repeats are harmless."""
    return services.purchase_record(order_id=order_id, product_ids=tuple(product_ids))
