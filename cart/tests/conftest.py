"""Helpers of the cart tests (the shared fixtures live in testing/fixtures.py)."""

from __future__ import annotations

import threading


def add_concurrently(count: int, *, user_id: str, product_id: str) -> list[Exception]:
    """`count` threads released together each add one; returns the errors they met."""
    from django.db import connection

    from cart.services import cart_add_item

    start, errors = threading.Barrier(count), []

    def add_one() -> None:
        try:
            start.wait()
            cart_add_item(user_id=user_id, product_id=product_id, quantity=1)
        except Exception as exc:  # collected for the test to assert on
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=add_one) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors
