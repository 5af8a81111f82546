"""The in-process currency client: calls services.py directly. Only the factory in client.py
imports this module, so a process that calls the service remotely never loads its ORM modules."""

from __future__ import annotations

from shop.money import Money

from . import services


class LocalCurrencyClient:
    def supported_currencies(self) -> list[str]:
        return services.currency_codes()

    def convert(self, money: Money, to_currency: str) -> Money:
        return services.currency_convert(money=money, to_currency=to_currency)
