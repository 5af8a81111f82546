"""Stored data of the Product Catalog service."""

import secrets
import string

from django.db import models

ID_ALPHABET = string.ascii_uppercase + string.digits
ID_LENGTH = 10


def new_product_id() -> str:
    """Same shape as the original's ids: ten characters of A-Z and 0-9."""
    return "".join(secrets.choice(ID_ALPHABET) for _ in range(ID_LENGTH))


class Category(models.Model):
    slug = models.SlugField(max_length=50, primary_key=True)
    name = models.CharField(max_length=80)

    class Meta:
        ordering = ["slug"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return self.name


class Product(models.Model):
    id = models.CharField(max_length=ID_LENGTH, primary_key=True, default=new_product_id)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    # A static path (our own SVG illustrations) or an absolute URL of an uploaded image.
    picture = models.CharField(max_length=500, blank=True)
    price_amount = models.DecimalField(max_digits=12, decimal_places=2)
    price_currency = models.CharField(max_length=3, default="USD", editable=False)
    categories = models.ManyToManyField(Category, related_name="products", blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(price_amount__gte=0), name="price_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.name
