"""Stored data of the ads service."""

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone

from .targets import (
    check_product_exists,
    parse_context_keys,
    validate_context_keys,
    validate_target,
)


class Ad(models.Model):
    name = models.CharField(
        max_length=100, unique=True, help_text="For staff only; customers see the text."
    )
    text = models.CharField(max_length=200)
    target = models.CharField(
        max_length=200,
        validators=[validate_target],
        help_text="A product id (e.g. OLJCESPC7Z) or a shop path such as /cart.",
    )
    context_keys = models.CharField(
        max_length=500,
        blank=True,
        validators=[validate_context_keys],
        help_text="Comma-separated categories, e.g. kitchen, decor.",
    )
    active_from = models.DateTimeField(default=timezone.now)
    active_until = models.DateTimeField(null=True, blank=True, help_text="Empty: no end.")
    weight = models.PositiveIntegerField(
        default=1,
        validators=[MinValueValidator(1)],
        help_text="Relative share of the rotation among the ads that match a page.",
    )
    # Written only by the periodic counter flush (see services.ad_counters_flush).
    impressions = models.PositiveBigIntegerField(default=0, editable=False)
    clicks = models.PositiveBigIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=models.Q(weight__gte=1), name="ad_weight_positive"),
            models.CheckConstraint(
                condition=models.Q(active_until__isnull=True)
                | models.Q(active_until__gt=models.F("active_from")),
                name="ad_window_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        self.context_keys = ", ".join(parse_context_keys(self.context_keys))
        if self.active_until and self.active_from and self.active_until <= self.active_from:
            raise ValidationError({"active_until": "The end must be after the start."})
        if self.target and not self.target.startswith("/"):
            check_product_exists(self.target)
