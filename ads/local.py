"""The in-process ad client: calls services.py directly. Only the factory in client.py imports this
module, so a process that calls the service remotely never loads its ORM modules."""

from __future__ import annotations

from collections.abc import Sequence

from shop.dto import Ad

from . import services


class LocalAdClient:
    def get_ads(self, context_keys: Sequence[str]) -> list[Ad]:
        return services.ads_select(context_keys=tuple(context_keys))

    def ads_at_hand(self, context_keys: Sequence[str]) -> list[Ad] | None:
        # With the live ads in this process's memory the answer is pure computation.
        return services.ads_select_in_memory(context_keys=tuple(context_keys))

    def click(self, ad_id: int) -> str:
        return services.ad_click(ad_id=ad_id)
