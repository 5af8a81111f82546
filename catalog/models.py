"""Stored data of the Product Catalog service."""

import secrets
import string

from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import models
from django.db.models.functions import Upper

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
        indexes = [
            # The listing order, so a page of a large catalog is an index range, not a sort.
            models.Index(fields=["name", "id"], name="product_name_id"),
            # Trigram indexes on exactly the expression Django's icontains compares on PostgreSQL
            # (UPPER(column::text) LIKE UPPER('%query%')); migration 0002 creates them there only.
            GinIndex(OpClass(Upper("name"), name="gin_trgm_ops"), name="product_name_trgm"),
            GinIndex(
                OpClass(Upper("description"), name="gin_trgm_ops"), name="product_description_trgm"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(price_amount__gte=0), name="price_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.name
