"""The in-process recommendation client: calls selectors.py directly. Only the factory in client.py
imports this module, so a process that calls the service remotely never loads its ORM modules."""

from __future__ import annotations

from collections.abc import Sequence

from . import selectors
from .purchases import purchase_record_enqueue


class LocalRecommendationClient:
    def list_recommendations(self, user_id: str, product_ids: Sequence[str]) -> list[str]:
        return selectors.recommendations_list(product_ids=tuple(product_ids))

    def record_purchase(self, order_id: str, product_ids: Sequence[str]) -> None:
        purchase_record_enqueue(order_id=order_id, product_ids=product_ids)
