"""The SMTP server the shop's e-mails go to during a chaos run: aiosmtpd in this process,
counting the confirmations it received per order id (the id is in the subject)."""

from __future__ import annotations

import logging
import re
import threading
from collections import Counter
from email import message_from_bytes
from email.policy import default as default_policy

from aiosmtpd.controller import Controller

from testing.servers import free_port

ORDER_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


class ConfirmationCounter:
    """aiosmtpd handler: every message accepted, its order id counted."""

    def __init__(self):
        self._lock = threading.Lock()
        self._per_order: Counter[str] = Counter()
        self.unmatched = 0  # messages whose subject names no order

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 - aiosmtpd's name
        subject = str(message_from_bytes(envelope.content, policy=default_policy)["Subject"])
        found = ORDER_ID.search(subject)
        with self._lock:
            if found:
                self._per_order[found.group(0)] += 1
            else:
                self.unmatched += 1
        return "250 Message accepted for delivery"

    def per_order(self) -> dict[str, int]:
        with self._lock:
            return dict(self._per_order)


class MailServer:
    def __init__(self):
        # aiosmtpd tells every SMTP command at INFO: the counter is what this run reads.
        logging.getLogger("mail.log").setLevel(logging.WARNING)
        self.counter = ConfirmationCounter()
        self.port = free_port()
        self._controller = Controller(self.counter, hostname="127.0.0.1", port=self.port)

    @property
    def url(self) -> str:
        """The shop's EMAIL_URL (django-environ): plain SMTP, no login."""
        return f"smtp://127.0.0.1:{self.port}"

    def start(self) -> None:
        self._controller.start()

    def stop(self) -> None:
        self._controller.stop()
