"""JSON shapes of the orders API."""

from rest_framework import serializers

from shop.money import Money
from shop.serializers import AddressSerializer, CreditCardSerializer

from .models import Order
from .selectors import order_url


def money_json(amount, currency: str) -> dict:
    rounded = Money(amount, currency).rounded()
    return {"currency": currency, "amount": str(rounded.amount)}


class OrderPlaceSerializer(serializers.Serializer):
    cart_id = serializers.CharField(max_length=200)
    currency = serializers.RegexField(r"^[A-Z]{3}$", default="USD")
    email = serializers.EmailField()
    address = AddressSerializer()
    credit_card = CreditCardSerializer()


class OrderSerializer(serializers.ModelSerializer):
    items = serializers.SerializerMethodField()
    shipping_address = serializers.SerializerMethodField()
    shipping_cost = serializers.SerializerMethodField()
    total = serializers.SerializerMethodField()
    created = serializers.DateTimeField(source="created_at")

    class Meta:
        model = Order
        fields = ["id", "status", "email", "currency", "items", "shipping_address",
                  "shipping_cost", "total", "tracking_id", "failure_reason", "created"]  # fmt: skip

    def get_items(self, order: Order) -> list[dict]:
        return [
            {
                "product_id": line.product_id,
                "name": line.product_name,
                "quantity": line.quantity,
                "unit_price": money_json(line.unit_price, order.currency),
                "cost": money_json(line.unit_price * line.quantity, order.currency),
            }
            for line in order.lines.all()
        ]

    def get_shipping_address(self, order: Order) -> dict:
        names = ["street_address", "city", "state", "country", "zip_code"]
        return {name: getattr(order, name) for name in names}

    def get_shipping_cost(self, order: Order) -> dict:
        return money_json(order.shipping_cost, order.currency)

    def get_total(self, order: Order) -> dict:
        return money_json(order.total, order.currency)


class PlacedOrderSerializer(OrderSerializer):
    """The answer to the customer who placed the order: with their private link."""

    access_url = serializers.SerializerMethodField()

    class Meta(OrderSerializer.Meta):
        fields = [*OrderSerializer.Meta.fields, "access_url"]

    def get_access_url(self, order: Order) -> str:
        return order_url(order, self.context.get("request"))
