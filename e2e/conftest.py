"""One real shop for the browser journeys and the short load run: PostgreSQL, Redis, gunicorn
(loadgen.stack), e-mail through a real SMTP server (aiosmtpd) started here, a staff account, and
Debian's Chromium driven by Playwright. Screenshots go to test-artifacts/e2e/."""

from __future__ import annotations

import email
import email.policy
import os
import re
import subprocess
import threading
import time
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from loadgen.stack import PYTHON, ROOT, Stack, shop_stack
from testing.servers import free_port

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
ARTIFACTS = ROOT / "test-artifacts" / "e2e"
STAFF = {"username": "staff", "password": "e2e-staff-password-0123", "email": "staff@example.com"}


class Inbox:
    """Every message the SMTP server accepted, searchable by recipient."""

    def __init__(self):
        self.messages: list[EmailMessage] = []
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self._lock:
            self.messages.append(message)
        return "250 Message accepted for delivery"

    def message_to(self, recipient: str, timeout: float = 30.0) -> EmailMessage:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                for message in self.messages:
                    if recipient in message["To"]:
                        return message
            time.sleep(0.1)
        raise TimeoutError(f"no e-mail to {recipient} within {timeout}s")


@pytest.fixture(scope="package")
def inbox() -> Iterator[Inbox]:
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    inbox.port = controller.port
    yield inbox
    controller.stop()


@pytest.fixture(scope="package")
def shop(inbox: Inbox) -> Iterator[Stack]:
    with shop_stack(EMAIL_URL=f"smtp://127.0.0.1:{inbox.port}") as stack:
        env = {**stack.env, **{f"DJANGO_SUPERUSER_{k.upper()}": v for k, v in STAFF.items()}}
        subprocess.run(
            [PYTHON, "manage.py", "createsuperuser", "--noinput"],
            cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL,
        )  # fmt: skip
        yield stack


@pytest.fixture(scope="package")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs the chromium package with apt")
    from playwright.sync_api import sync_playwright

    # Package scope: Playwright's event loop is gone before the rest of the suite runs.
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Camera:
    """Numbered full-page screenshots of one test: test-artifacts/e2e/<test>-<nn>-<step>.png."""

    def __init__(self, page, test_name: str):
        self.page, self.test_name, self.count = page, test_name, 0
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        for old in ARTIFACTS.glob(f"{test_name}-*.png"):
            old.unlink()

    def shot(self, step: str) -> Path:
        self.count += 1
        path = ARTIFACTS / f"{self.test_name}-{self.count:02d}-{step}.png"
        self.page.screenshot(path=path, full_page=True)
        return path


@pytest.fixture
def page(browser, shop: Stack, request):
    context = browser.new_context(base_url=shop.url)
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.camera = Camera(page, re.sub(r"\W+", "_", request.node.name))
    yield page
    context.close()
