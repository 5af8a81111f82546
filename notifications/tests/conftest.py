"""A real SMTP server (aiosmtpd) on a free loopback port, and a sample order result."""

from __future__ import annotations

import email
import email.policy
import threading
import time
from collections.abc import Iterator
from decimal import Decimal

import pytest
from aiosmtpd.controller import Controller

from shop.dto import Address, CartItem, OrderItem, OrderResult
from shop.money import Money
from testing.servers import free_port


class Inbox:
    """Collects every message the SMTP server accepts."""

    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self._lock:
            self.messages.append(message)
        return "250 Message accepted for delivery"

    def wait_for(self, count: int, timeout: float = 60.0) -> list[email.message.EmailMessage]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if len(self.messages) >= count:
                    return list(self.messages)
            time.sleep(0.05)
        raise TimeoutError(f"{count} message(s) expected, {len(self.messages)} arrived")


@pytest.fixture
def smtp_server() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield inbox, controller.port
    controller.stop()


@pytest.fixture
def smtp_settings(settings, smtp_server):
    inbox, port = smtp_server
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    return inbox


def sample_order(order_id: str = "6b0a4f6c-9a3e-4d36-8a4f-2a0c3b1e9d10") -> OrderResult:
    return OrderResult(
        order_id=order_id,
        shipping_tracking_id="QK-1234567-8901234",
        shipping_cost=Money(Decimal("7.95"), "EUR"),
        shipping_address=Address("1 Main St", "Springfield", "IL", "United States", "62701"),
        items=(
            OrderItem(CartItem("OLJCESPC7Z", 2), Money(Decimal("17.68"), "EUR")),
            OrderItem(CartItem("GONE000000", 1), Money(Decimal("1.00"), "EUR")),
        ),
    )
