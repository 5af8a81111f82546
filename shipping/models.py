"""Stored data of the shipping service: the staff-edited rate and every shipment."""

from decimal import Decimal

from django.conf import settings
from django.db import models

from shop.money import Money

DEFAULT_FLAT_RATE = Decimal("8.99")


class ShippingRate(models.Model):
    """The shop's one shipping price list (a single row, id 1). Every edit made in the admin is
    kept in the admin's history of this row."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    flat_rate = models.DecimalField(
        "flat rate (USD)", max_digits=10, decimal_places=2, default=DEFAULT_FLAT_RATE
    )
    free_shipping_threshold = models.DecimalField(
        "free shipping from (USD)",
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Items worth at least this much ship free. Empty: never free.",
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(id=1), name="shipping_rate_single_row"),
            models.CheckConstraint(
                condition=models.Q(flat_rate__gte=0), name="flat_rate_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(free_shipping_threshold__isnull=True)
                | models.Q(free_shipping_threshold__gt=0),
                name="free_shipping_threshold_positive",
            ),
        ]

    def __str__(self) -> str:
        return "Shipping rate"

    @property
    def flat(self) -> Money:
        return Money(self.flat_rate, "USD")


class ShipmentStatus(models.TextChoices):
    CREATED = "created", "created"
    SHIPPED = "shipped", "shipped"
    DELIVERED = "delivered", "delivered"
    # Stopped before it left: the order it was for failed after shipping (checkout's
    # compensation) or staff called it off.
    CANCELLED = "cancelled", "cancelled"


class Shipment(models.Model):
    Status = ShipmentStatus

    # Two capital letters, dash, digits, dash, digits: QK-1234567-8901234.
    tracking_id = models.CharField(max_length=32, unique=True)
    # What ships it (an order id): the same reference is the same shipment.
    reference = models.CharField(max_length=100, unique=True, null=True, blank=True)
    street_address = models.CharField(max_length=255)
    city = models.CharField(max_length=100)
    state = models.CharField(max_length=100, blank=True)
    country = models.CharField(max_length=100)
    zip_code = models.CharField("postal code", max_length=16)
    # [{"product_id": "OLJCESPC7Z", "quantity": 2}, ...]
    items = models.JSONField()
    status = models.CharField(
        max_length=10, choices=ShipmentStatus.choices, default=ShipmentStatus.CREATED
    )
    created = models.DateTimeField(auto_now_add=True, db_index=True)
    updated = models.DateTimeField(auto_now=True)
    shipped_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=ShipmentStatus.values), name="shipment_status_known"
            ),
        ]

    def __str__(self) -> str:
        return self.tracking_id
