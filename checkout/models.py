"""Stored data of the checkout service: orders and their line snapshots.

Lines keep a snapshot (product id, name, unit price in the order's currency) rather than a foreign
key into the catalog, so the catalog may live in another process and database, and a later price
change never rewrites what a customer paid.
"""

from __future__ import annotations

import secrets
import uuid

from django.db import models
from django.db.models.functions import Upper


def new_access_token() -> str:
    return secrets.token_urlsafe(32)


class Order(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        PAID = "paid", "Paid"
        SHIPPED = "shipped", "Shipped"
        DELIVERED = "delivered", "Delivered"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"
        REFUNDED = "refunded", "Refunded"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # The cart owner: the storefront visitor's session, a REST cart id or a gRPC user id.
    user_id = models.CharField(max_length=200, db_index=True)
    email = models.EmailField()
    street_address = models.CharField(max_length=200)
    city = models.CharField(max_length=100)
    state = models.CharField(max_length=100, blank=True)
    country = models.CharField(max_length=100)
    zip_code = models.CharField(max_length=20)
    currency = models.CharField(max_length=3)
    shipping_cost = models.DecimalField(max_digits=14, decimal_places=3)
    total = models.DecimalField(max_digits=14, decimal_places=3)
    charge_id = models.CharField(max_length=100, blank=True)
    tracking_id = models.CharField(max_length=100, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    failure_reason = models.TextField(blank=True)
    # The ShopError kind of the failure, so a concurrent duplicate submit gets the same answer.
    failure_kind = models.CharField(max_length=20, blank=True)
    # Set when a failed checkout's compensation could not undo everything (a charge not voided,
    # a shipment not cancelled); the note says what staff must do by hand (compensation.py).
    needs_attention = models.BooleanField(default=False, db_index=True)
    attention_note = models.TextField(blank=True)
    access_token = models.CharField(max_length=64, default=new_access_token, editable=False)
    # sha256 of the client's Idempotency-Key, or of the submission and cart contents (see
    # services.order_place); at most one order per key is ever in flight.
    idempotency_key = models.CharField(max_length=64, db_index=True)
    # sha256 of what was submitted (without the card number or CVV): a replayed key with a
    # different body is refused.
    request_fingerprint = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Set once the order emptied its cart: from then on, a cart with the same contents is a
    # new purchase, not a repeat of this submission.
    cart_emptied_at = models.DateTimeField(null=True, blank=True)
    # Set once the post-order work (confirmation e-mail, signals) has run.
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["idempotency_key"],
                condition=models.Q(status="pending"),
                name="one_pending_order_per_key",
            ),
            # One checkout of a cart at a time, whatever its submissions differ in (claims.py).
            models.UniqueConstraint(
                fields=["user_id"],
                condition=models.Q(status="pending"),
                name="one_pending_order_per_cart",
            ),
            models.CheckConstraint(condition=models.Q(total__gte=0), name="total_not_negative"),
        ]
        # The staff list's filter and searches (checkout/admin.py), each one index at any size.
        indexes = [
            models.Index(fields=["status", "-created_at"], name="order_status_created"),
            models.Index(Upper("email"), name="order_email_upper"),
            models.Index(fields=["tracking_id"], name="order_tracking_id"),
            models.Index(fields=["charge_id"], name="order_charge_id"),
        ]

    def __str__(self) -> str:
        return f"Order {self.id} ({self.status})"


class OrderLine(models.Model):
    order = models.ForeignKey(Order, related_name="lines", on_delete=models.CASCADE)
    product_id = models.CharField(max_length=40)
    product_name = models.CharField(max_length=200)
    quantity = models.PositiveIntegerField()
    # In the order's currency, already rounded to its minor unit: what the customer was shown.
    unit_price = models.DecimalField(max_digits=14, decimal_places=3)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(quantity__gte=1), name="quantity_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.product_name}"


class CheckoutLock(models.Model):
    """One row per checkout key and one per cart, locked with SELECT ... FOR UPDATE for the
    instant in which a submission looks for an existing order and, finding none, records a
    pending one (checkout/claims.py)."""

    key = models.CharField(max_length=64, primary_key=True)
    # Despite its name, when the key was last claimed: the claim's upsert stamps it to lock it.
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.key


# --- the sales ledger (checkout/sales.py keeps it; the dashboard reads only these) ------------
# Each row is one day's figures, the day an order was created in the shop's time zone, so the
# dashboard reads a few rows a day whatever the number of orders.


class DailySales(models.Model):
    """Orders sold (paid, shipped or delivered) and their revenue, per day and currency."""

    day = models.DateField()
    currency = models.CharField(max_length=3)
    orders = models.IntegerField(default=0)
    revenue = models.DecimalField(max_digits=18, decimal_places=3, default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["day", "currency"], name="daily_sales_day_currency")
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.currency}: {self.orders} orders"


class DailyProductSales(models.Model):
    """Units of a product sold per day, and in how many orders (an order has one line per
    product); `name` is the one it last sold under."""

    day = models.DateField()
    product_id = models.CharField(max_length=40)
    name = models.CharField(max_length=200)
    quantity = models.IntegerField(default=0)
    orders = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["day", "product_id"], name="daily_product_day_product")
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.product_id}: {self.quantity}"


class DailyDeclines(models.Model):
    """Checkout attempts the card stopped (selectors.DECLINED), per day."""

    day = models.DateField(primary_key=True)
    attempts = models.IntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.day}: {self.attempts} declined"


class CartCheckout(models.Model):
    """Per cart, the day of its latest order and of its latest order that was ever paid: a cart
    reached the checkout within a period exactly when the first is in it, and converted when the
    second is (the dashboard's conversion counts carts, not orders)."""

    user_id = models.CharField(max_length=200, primary_key=True)
    last_checkout_day = models.DateField()
    last_paid_day = models.DateField(null=True)

    def __str__(self) -> str:
        return self.user_id


class DailyCarts(models.Model):
    """Per day, the carts whose latest order is of that day (`reached`) and whose latest order
    ever paid is (`converted`): summed over a period, the carts that reached the checkout and
    converted within it, in as many rows as it has days (CartCheckout moves them)."""

    day = models.DateField(primary_key=True)
    reached = models.IntegerField(default=0)
    converted = models.IntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.day}: {self.reached} carts"
