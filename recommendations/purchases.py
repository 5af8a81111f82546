"""What was bought reaches the recommendations service as a Celery task queued by its name (see
client.py): both clients queue it from here, and tasks.py registers the task under that name.
Importable without the ORM."""

from __future__ import annotations

from collections.abc import Sequence

from shop.tasks import enqueue

# The name is the one the task always had, so messages already queued still find it.
PURCHASE_RECORDED_TASK = "recommendations.tasks.purchase_recorded"


def purchase_record_enqueue(*, order_id: str, product_ids: Sequence[str]) -> None:
    enqueue(PURCHASE_RECORDED_TASK, order_id, list(product_ids))
