"""The Email service's interface, as its consumers see it.

Implementations and `email_client()` come with the notifications issue, following
currency/client.py.
"""

from __future__ import annotations

from typing import Protocol

from shop.dto import OrderResult


class EmailClient(Protocol):
    def send_order_confirmation(self, email: str, order: OrderResult) -> None: ...
