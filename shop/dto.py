"""Small frozen values that cross the service seam (in-process or over gRPC).

They mirror the hipstershop messages, with Money as our Money type and a zip code as text
(postal codes are alphanumeric in much of the world; the wire's int32 is mapped at the edge).
ORM rows never cross the seam.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from .money import Money


@dataclass(frozen=True, slots=True)
class Product:
    id: str
    name: str
    description: str
    picture: str
    price_usd: Money
    categories: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class CartItem:
    product_id: str
    quantity: int


@dataclass(frozen=True, slots=True)
class Cart:
    user_id: str
    items: tuple[CartItem, ...] = ()

    @property
    def size(self) -> int:
        return sum(item.quantity for item in self.items)


@dataclass(frozen=True, slots=True)
class Address:
    street_address: str
    city: str
    state: str
    country: str
    zip_code: str


@dataclass(frozen=True, slots=True)
class CreditCard:
    # repr=False: a card number or CVV must never reach a log line through a repr.
    number: str = field(repr=False)
    cvv: str = field(repr=False)
    expiration_year: int
    expiration_month: int

    @property
    def last4(self) -> str:
        return self.number[-4:]


@dataclass(frozen=True, slots=True)
class OrderItem:
    item: CartItem
    cost: Money


@dataclass(frozen=True, slots=True)
class OrderResult:
    order_id: str
    shipping_tracking_id: str
    shipping_cost: Money
    shipping_address: Address
    items: tuple[OrderItem, ...] = ()


@dataclass(frozen=True, slots=True)
class Ad:
    redirect_url: str
    text: str


@dataclass(frozen=True, slots=True)
class DeliveryDay:
    """The e-mails recorded on one day: how many were sent, how many were given up on."""

    day: date
    sent: int
    failed: int


@dataclass(frozen=True, slots=True)
class Category:
    slug: str
    name: str


@dataclass(frozen=True, slots=True)
class ProductPage:
    """One page of a product listing or search; `number` counts from 1."""

    items: tuple[Product, ...]
    number: int
    per_page: int
    count: int

    @property
    def num_pages(self) -> int:
        return max(1, -(-self.count // self.per_page))

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.num_pages


@dataclass(frozen=True, slots=True)
class CustomerOrderLine:
    product_id: str
    name: str
    quantity: int
    unit_price: Money

    @property
    def cost(self) -> Money:
        return self.unit_price * self.quantity


@dataclass(frozen=True, slots=True)
class CustomerOrder:
    """An order as its customer sees it (confirmation and order pages), with `access_path`, the
    customer's own link to the order page. It holds the order's access token: never log it."""

    order_id: str
    status: str
    status_label: str
    email: str
    shipping_address: Address
    lines: tuple[CustomerOrderLine, ...]
    shipping_cost: Money
    total: Money
    tracking_id: str
    access_path: str = field(repr=False)
