"""Translation between hipstershop protobuf messages and our dto values: the only place that
knows about units/nanos, int32 zip codes and int32 CVVs."""

from __future__ import annotations

from shop import dto
from shop.errors import InvalidArgument
from shop.money import Money
from shop.rpc.protos import hipstershop_pb2 as pb

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
    fits = zip_code.isdigit() and int(zip_code) <= INT32_MAX
    if not fits and strict:
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
        credit_card_cvv=int(cvv) if cvv.isdigit() and len(cvv) <= 9 else 0,
        credit_card_expiration_year=card.expiration_year,
        credit_card_expiration_month=card.expiration_month,
    )


def credit_card_from_pb(message: pb.CreditCardInfo) -> dto.CreditCard:
    return dto.CreditCard(
        number=message.credit_card_number,
        cvv=str(message.credit_card_cvv) if message.credit_card_cvv else "",
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
