"""The embedded cart store's tables (used when REDIS_URL is not set; see stores.py)."""

from django.db import models


class Cart(models.Model):
    # A visitor's session key, a gRPC user id or a REST cart id.
    id = models.CharField(primary_key=True, max_length=128)
    # Created through the REST API's carts/ (only those are found at carts/{id}/).
    registered = models.BooleanField(default=False)
    # Last write; a cart idle for longer than CART_IDLE_SECONDS is gone.
    touched_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return self.id


class CartLine(models.Model):
    # DO_NOTHING: stores.py deletes lines before their cart in single statements.
    cart = models.ForeignKey(Cart, on_delete=models.DO_NOTHING, related_name="lines")
    product_id = models.CharField(max_length=64)
    quantity = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["cart", "product_id"], name="cart_line_unique_product"),
            models.CheckConstraint(condition=models.Q(quantity__gte=1), name="cart_line_quantity"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.product_id}"
