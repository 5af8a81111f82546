"""Translation between hipstershop protobuf messages and our dto values: the only place that
knows about units/nanos, int32 zip codes and int32 CVVs."""

from __future__ import annotations

from dataclasses import replace

from shop import dto
from shop.addresses import AddressInvalid, address_errors
from shop.errors import InvalidArgument
from shop.money import Money
from shop.rpc.lazy import LazyModule

# grpc and the generated modules load with the first remote call (shop/rpc/lazy.py).
checkout_pb = LazyModule("shop.rpc.protos.boutique_checkout_pb2")
pb = LazyModule("shop.rpc.protos.hipstershop_pb2")

INT32_MAX = 2**31 - 1


def money_to_pb(money: Money) -> pb.Money:
    units, nanos = money.units_nanos()
    return pb.Money(currency_code=money.currency, units=units, nanos=nanos)


def money_from_pb(message: pb.Money) -> Money:
    return Money.from_units_nanos(message.currency_code, message.units, message.nanos)


def cart_item_to_pb(item: dto.CartItem) -> pb.CartItem:
    return pb.CartItem(product_id=item.product_id, quantity=item.quantity)


def cart_item_from_pb(message: pb.CartItem) -> dto.CartItem:
    return dto.CartItem(product_id=message.product_id, quantity=message.quantity)


def address_to_pb(address: dto.Address, *, strict: bool = True) -> pb.Address:
    """strict: refuse a postal code the int32 wire field cannot carry (requests); else send 0
    (an order result echoing an address back must not fail for it)."""
    zip_code = address.zip_code.strip()
    # isascii: str.isdigit() is True for "²", which int() refuses.
    fits = zip_code.isascii() and zip_code.isdigit() and int(zip_code) <= INT32_MAX
    if not fits and strict:
        # A code the shop's own rule refuses gets that rule's message, as the service would give.
        problems = address_errors(address=address).get("zip_code")
        if problems:
            raise AddressInvalid.of({"zip_code": problems})
        # The wire's zip_code is an int32; an alphanumeric postal code cannot cross it.
        raise InvalidArgument(
            f"The postal code {address.zip_code!r} cannot be sent to this service: "
            "the protocol only carries numeric zip codes.",
            fields={"zip_code": ["Must be numeric for this service."]},
        )
    return pb.Address(
        street_address=address.street_address,
        city=address.city,
        state=address.state,
        country=address.country,
        zip_code=int(zip_code) if fits else 0,
    )


def address_from_pb(message: pb.Address) -> dto.Address:
    return dto.Address(
        street_address=message.street_address,
        city=message.city,
        state=message.state,
        country=message.country,
        zip_code=str(message.zip_code) if message.zip_code else "",
    )


def credit_card_to_pb(card: dto.CreditCard) -> pb.CreditCardInfo:
    cvv = card.cvv.strip()
    return pb.CreditCardInfo(
        credit_card_number=card.number,
        credit_card_cvv=int(cvv) if cvv.isascii() and cvv.isdigit() and len(cvv) <= 9 else 0,
        credit_card_expiration_year=card.expiration_year,
        credit_card_expiration_month=card.expiration_month,
    )


def credit_card_from_pb(message: pb.CreditCardInfo, *, cvv_digits: int = 0) -> dto.CreditCard:
    """cvv_digits: the wire's CVV is an int32, so "012" arrives as 12; a service that knows
    its CVVs have at least N digits restores the leading zeros."""
    cvv = message.credit_card_cvv
    return dto.CreditCard(
        number=message.credit_card_number,
        cvv=str(cvv).zfill(cvv_digits) if cvv else "",
        expiration_year=message.credit_card_expiration_year,
        expiration_month=message.credit_card_expiration_month,
    )


def product_to_pb(product: dto.Product) -> pb.Product:
    return pb.Product(
        id=product.id,
        name=product.name,
        description=product.description,
        picture=product.picture,
        price_usd=money_to_pb(product.price_usd),
        categories=list(product.categories),
    )


def product_from_pb(message: pb.Product) -> dto.Product:
    return dto.Product(
        id=message.id,
        name=message.name,
        description=message.description,
        picture=message.picture,
        price_usd=money_from_pb(message.price_usd),
        categories=tuple(message.categories),
    )


def order_result_to_pb(order: dto.OrderResult) -> pb.OrderResult:
    return pb.OrderResult(
        order_id=order.order_id,
        shipping_tracking_id=order.shipping_tracking_id,
        shipping_cost=money_to_pb(order.shipping_cost),
        shipping_address=address_to_pb(order.shipping_address, strict=False),
        items=[
            pb.OrderItem(item=cart_item_to_pb(line.item), cost=money_to_pb(line.cost))
            for line in order.items
        ],
    )


def order_result_from_pb(message: pb.OrderResult) -> dto.OrderResult:
    return dto.OrderResult(
        order_id=message.order_id,
        shipping_tracking_id=message.shipping_tracking_id,
        shipping_cost=money_from_pb(message.shipping_cost),
        shipping_address=address_from_pb(message.shipping_address),
        items=tuple(
            dto.OrderItem(item=cart_item_from_pb(line.item), cost=money_from_pb(line.cost))
            for line in message.items
        ),
    )


def customer_place_order_to_pb(
    *,
    user_id: str,
    user_currency: str,
    address: dto.Address,
    email: str,
    credit_card: dto.CreditCard,
) -> checkout_pb.CustomerPlaceOrderRequest:
    """The original's PlaceOrderRequest, with the postal code and CVV also as text."""
    order = pb.PlaceOrderRequest(
        user_id=user_id,
        user_currency=user_currency,
        address=address_to_pb(address, strict=False),
        email=email,
        credit_card=credit_card_to_pb(credit_card),
    )
    return checkout_pb.CustomerPlaceOrderRequest(
        order=order, zip_code=address.zip_code, credit_card_cvv=credit_card.cvv
    )


def customer_place_order_from_pb(message: checkout_pb.CustomerPlaceOrderRequest) -> dict:
    """Keyword arguments of checkout's order_place."""
    order = message.order
    address = address_from_pb(order.address)
    card = credit_card_from_pb(order.credit_card)
    return {
        "user_id": order.user_id,
        "user_currency": order.user_currency,
        "address": replace(address, zip_code=message.zip_code or address.zip_code),
        "email": order.email,
        "credit_card": replace(card, cvv=message.credit_card_cvv or card.cvv),
    }


def customer_order_to_pb(order: dto.CustomerOrder) -> checkout_pb.CustomerOrder:
    return checkout_pb.CustomerOrder(
        order_id=order.order_id,
        status=order.status,
        status_label=order.status_label,
        email=order.email,
        shipping_address=address_to_pb(order.shipping_address, strict=False),
        zip_code=order.shipping_address.zip_code,
        lines=[
            checkout_pb.CustomerOrderLine(
                product_id=line.product_id,
                name=line.name,
                quantity=line.quantity,
                unit_price=money_to_pb(line.unit_price),
            )
            for line in order.lines
        ],
        shipping_cost=money_to_pb(order.shipping_cost),
        total=money_to_pb(order.total),
        tracking_id=order.tracking_id,
        access_path=order.access_path,
    )


def customer_order_from_pb(message: checkout_pb.CustomerOrder) -> dto.CustomerOrder:
    address = address_from_pb(message.shipping_address)
    return dto.CustomerOrder(
        order_id=message.order_id,
        status=message.status,
        status_label=message.status_label,
        email=message.email,
        shipping_address=replace(address, zip_code=message.zip_code),
        lines=tuple(
            dto.CustomerOrderLine(
                product_id=line.product_id,
                name=line.name,
                quantity=line.quantity,
                unit_price=money_from_pb(line.unit_price),
            )
            for line in message.lines
        ),
        shipping_cost=money_from_pb(message.shipping_cost),
        total=money_from_pb(message.total),
        tracking_id=message.tracking_id,
        access_path=message.access_path,
    )
