"""The Ad service's interface, as its consumers see it.

Implementations and `ad_client()` come with the ads issue, following currency/client.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from shop.dto import Ad


class AdClient(Protocol):
    def get_ads(self, context_keys: Sequence[str]) -> list[Ad]:
        """Up to 2 ads, matching a context key (a category) when any match."""
        ...
