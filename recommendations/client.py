"""The Recommendation service's interface, as its consumers see it.

Implementations and `recommendation_client()` come with the recommendations issue, following
currency/client.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol


class RecommendationClient(Protocol):
    def list_recommendations(self, user_id: str, product_ids: Sequence[str]) -> list[str]:
        """Up to 5 product ids, none of `product_ids`."""
        ...
