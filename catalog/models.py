"""Stored data of the Product Catalog service."""

import secrets
import string

from django.contrib.postgres.indexes import GinIndex, OpClass
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.db import models
from django.db.models.functions import Upper

ID_ALPHABET = string.ascii_uppercase + string.digits
ID_LENGTH = 10


def new_product_id() -> str:
    """Same shape as the original's ids: ten characters of A-Z and 0-9."""
    return "".join(secrets.choice(ID_ALPHABET) for _ in range(ID_LENGTH))


# An uploaded picture is shown at most a few hundred pixels wide: this is ample, and keeps a
# mistaken upload (a camera's raw photo) out of every product page.
PICTURE_MAX_BYTES = 5 * 1024 * 1024
# Formats every browser shows (Pillow reads more, e.g. TIFF, which browsers do not).
PICTURE_EXTENSIONS = ["png", "jpg", "jpeg", "gif", "webp"]


def picture_size_check(file) -> None:
    if file.size > PICTURE_MAX_BYTES:
        raise ValidationError(
            f"The picture is {file.size / 1024 / 1024:.1f} MB: at most "
            f"{PICTURE_MAX_BYTES // 1024 // 1024} MB, please."
        )


def picture_url(picture: str, image: str) -> str:
    """What the shop shows for a product: its uploaded image's URL (from the storage holding it:
    MEDIA_URL on the file system, the bucket's URL on S3) when it has one, else `picture`, a
    static path or an outside URL (the demo catalog's SVGs, imported catalogs)."""
    if image:
        return Product._meta.get_field("image").storage.url(image)
    return picture


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
    # A static path (our own SVG illustrations) or an absolute URL of an image elsewhere.
    picture = models.CharField(max_length=500, blank=True)
    # Uploaded by staff: checked by Pillow (a real image, of a format it reads), stored through
    # the default storage (STORAGES["default"]); shown instead of `picture` when present.
    # Nullable so that SQLite adds the column in place: a NOT NULL column would make it rebuild
    # the table, and the rebuild would re-create the PostgreSQL-only trigram indexes.
    image = models.ImageField(
        "uploaded picture",
        upload_to="products/",
        null=True,
        blank=True,
        validators=[FileExtensionValidator(PICTURE_EXTENSIONS), picture_size_check],
        help_text="A PNG, JPEG, GIF or WebP of at most 5 MB; shown instead of the picture path.",
    )
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

    @property
    def picture_url(self) -> str:
        return picture_url(self.picture, self.image.name)
