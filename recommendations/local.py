"""The in-process recommendation client: calls selectors.py directly. Only the factory in client.py
imports this module, so a process that calls the service remotely never loads its ORM modules."""

from __future__ import annotations

from collections.abc import Sequence

from . import selectors


class LocalRecommendationClient:
    def list_recommendations(self, user_id: str, product_ids: Sequence[str]) -> list[str]:
        return selectors.recommendations_list(product_ids=tuple(product_ids))
