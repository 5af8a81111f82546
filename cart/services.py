"""Operations of the cart service: all its business rules live here.

A cart is keyed by a user id: the visitor's session key in the storefront, the caller's user id
over gRPC, an unguessable id handed out by `cart_create` in the REST API.
"""

from __future__ import annotations

import secrets

from catalog.client import catalog_client
from shop.dto import Cart, CartItem
from shop.errors import InvalidArgument
from shop.observability.metrics import CARTS_CREATED

from .errors import CartLineLimit, CartNotFound, InvalidCartId, InvalidQuantity
from .rules import MAX_ADD_QUANTITY, MAX_LINE_QUANTITY
from .stores import DatabaseCartStore, cart_store

MAX_ID_LENGTH = 128


def _check_user_id(user_id: str) -> None:
    if not isinstance(user_id, str) or not user_id or len(user_id) > MAX_ID_LENGTH:
        raise InvalidCartId(f"A cart needs a user id of 1 to {MAX_ID_LENGTH} characters.")


def _check_quantity(quantity: int, *, low: int, high: int) -> None:
    if isinstance(quantity, bool) or not isinstance(quantity, int):
        raise InvalidQuantity(f"The quantity must be a whole number from {low} to {high}.")
    if not low <= quantity <= high:
        raise InvalidQuantity(f"The quantity must be from {low} to {high}, not {quantity}.")


def _check_product(product_id: str) -> None:
    """ProductNotFound (not_found) unless the catalog sells this product."""
    if not isinstance(product_id, str) or not product_id or len(product_id) > MAX_ID_LENGTH:
        raise InvalidArgument(
            "A product id is required.", fields={"product_id": ["This field is required."]}
        )
    catalog_client().get_product(product_id)


def cart_add_item(*, user_id: str, product_id: str, quantity: int) -> None:
    """Adds to the quantity already in the cart, atomically."""
    _check_user_id(user_id)
    _check_quantity(quantity, low=1, high=MAX_ADD_QUANTITY)
    _check_product(product_id)
    added = cart_store().add(user_id, product_id, quantity, line_limit=MAX_LINE_QUANTITY)
    if added is None:
        raise CartLineLimit(
            f"A cart holds at most {MAX_LINE_QUANTITY} of one product; "
            f"adding {quantity} more would go beyond that."
        )
    if added.first_item:
        CARTS_CREATED.inc()


def cart_set_quantity(*, user_id: str, product_id: str, quantity: int) -> None:
    """Sets a line's quantity (0 removes the line)."""
    _check_user_id(user_id)
    _check_quantity(quantity, low=0, high=MAX_LINE_QUANTITY)
    if quantity == 0:
        cart_remove_item(user_id=user_id, product_id=product_id)
        return
    _check_product(product_id)
    cart_store().set(user_id, product_id, quantity)


def cart_remove_item(*, user_id: str, product_id: str) -> None:
    """Removes a line; removing what is not in the cart changes nothing. No catalog check: a
    product the shop no longer sells must still be removable."""
    _check_user_id(user_id)
    cart_store().set(user_id, product_id, 0)


def cart_get(*, user_id: str) -> Cart:
    """The cart; an empty one for a user who has none."""
    _check_user_id(user_id)
    lines = cart_store().lines(user_id)
    return Cart(user_id=user_id, items=tuple(CartItem(p, q) for p, q in lines))


def cart_empty(*, user_id: str) -> None:
    _check_user_id(user_id)
    cart_store().clear(user_id)


# --- carts handed out by the REST API -------------------------------------------------------


def cart_create() -> Cart:
    """A new, empty cart whose id is unguessable (192 random bits): holding the id is the
    permission to use the cart."""
    cart_id = secrets.token_urlsafe(24)
    cart_store().register(cart_id)
    return Cart(user_id=cart_id)


def cart_get_registered(*, cart_id: str) -> Cart:
    """A cart created by `cart_create`; CartNotFound for any other id (or an expired cart)."""
    _check_user_id(cart_id)
    if not cart_store().is_registered(cart_id):
        raise CartNotFound()
    return cart_get(user_id=cart_id)


def cart_purge_idle() -> int:
    """Deletes the embedded store's idle carts (Redis expires its own); the number deleted."""
    return DatabaseCartStore().purge_idle()
