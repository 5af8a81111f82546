"""The in-process e-mail client: calls services.py directly. Only the factory in client.py imports
this module, so a process that calls the service remotely never loads its ORM modules."""

from __future__ import annotations

from datetime import date

from shop.dto import DeliveryDay, OrderResult

from . import selectors, services


class LocalEmailClient:
    def send_order_confirmation(
        self, email: str, order: OrderResult, *, order_url: str | None = None
    ) -> None:
        services.order_confirmation_send(email=email, order=order, order_url=order_url)

    def resend_order_confirmation(
        self, email: str, order: OrderResult, *, order_url: str | None = None
    ) -> None:
        services.order_confirmation_resend(email=email, order=order, order_url=order_url)

    def delivery_report(self, since: date) -> tuple[DeliveryDay, ...]:
        return selectors.delivery_report(since=since)
