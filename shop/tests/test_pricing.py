"""The one pricing rule: shown unit prices, lines and totals made of what is shown."""

from decimal import Decimal

from shop.dto import CartItem, Product
from shop.money import Money
from shop.pricing import cart_priced, shown_price, sold_items


def usd(amount: str) -> Money:
    return Money(Decimal(amount), "USD")


def to_eur(money: Money, currency: str) -> Money:
    """1 EUR = 1.1305 USD, the demo rate, at full precision (rounding is the rule's job)."""
    assert (money.currency, currency) == ("USD", "EUR")
    return Money(money.amount / Decimal("1.1305"), "EUR")


SUNGLASSES = Product("OLJCESPC7Z", "Sunglasses", "", "", usd("19.99"), ("accessories",))
MUG = Product("6E92ZMYYFZ", "Mug", "", "", usd("8.99"), ("kitchen",))


def test_a_price_is_shown_converted_then_rounded():
    # 19.99 / 1.1305 = 17.6824...
    assert shown_price(usd("19.99"), "EUR", to_eur) == Money(Decimal("17.68"), "EUR")
    assert shown_price(usd("19.99"), "USD", to_eur) == usd("19.99")  # no conversion needed


def test_lines_and_total_are_sums_of_shown_prices():
    items = [CartItem(SUNGLASSES.id, 3), CartItem(MUG.id, 1), CartItem("GONE", 2)]
    products = {SUNGLASSES.id: SUNGLASSES, MUG.id: MUG}
    priced = cart_priced(items, "EUR", products=products, convert=to_eur, shipping_usd=usd("8.99"))
    sunglasses, mug, gone = priced.lines
    # 3 x 17.68 (not 59.97 / 1.1305 = 53.05), 8.99 / 1.1305 = 7.95, shipping 7.95
    assert sunglasses.line_price == Money(Decimal("53.04"), "EUR")
    assert mug.unit_price == Money(Decimal("7.95"), "EUR")
    assert gone.product is None and gone.line_price is None
    assert priced.subtotal == Money(Decimal("60.99"), "EUR")
    assert priced.shipping == Money(Decimal("7.95"), "EUR")
    assert priced.total == Money(Decimal("68.94"), "EUR")
    assert priced.unsold_ids == ["GONE"] and priced.categories == ["accessories", "kitchen"]
    assert [item.product_id for item in sold_items(items, products)] == [SUNGLASSES.id, MUG.id]


def test_without_a_quote_the_total_is_the_subtotal():
    items = [CartItem(MUG.id, 2)]
    priced = cart_priced(items, "USD", products={MUG.id: MUG}, convert=to_eur, shipping_usd=None)
    assert priced.shipping is None and priced.total == usd("17.98")
