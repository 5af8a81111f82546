"""Stored data of the recommendations service."""

from django.db import models


class Basket(models.Model):
    """The products of one order, recorded once per order: the co-purchase signal."""

    order_id = models.CharField(max_length=64, unique=True)
    product_ids = models.JSONField(help_text="Sorted, unique product ids.")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-recorded_at"]

    def __str__(self) -> str:
        return f"order {self.order_id}"


class Neighbours(models.Model):
    """The precomputed table: one row per product with its most alike products, best first, as
    [[product_id, score], ...]. The row under POPULAR ranks products by purchases instead.
    Serving a request reads the asked products' rows and POPULAR in one query."""

    POPULAR = ""  # never a product id (the catalog requires one)

    product_id = models.CharField(max_length=64, primary_key=True, blank=True)
    neighbours = models.JSONField()
    built_at = models.DateTimeField()

    class Meta:
        verbose_name_plural = "neighbours"

    def __str__(self) -> str:
        return self.product_id or "(popular)"
