from django.conf import settings
from django.db import models


class ExchangeRate(models.Model):
    """How many units of `code` one euro buys (the ECB's convention)."""

    code = models.CharField("currency", max_length=3, primary_key=True)
    rate_per_eur = models.DecimalField(max_digits=20, decimal_places=10)
    pinned = models.BooleanField(
        default=False,
        help_text="Keep this rate as staff set it: the periodic feed refresh leaves it alone. "
        "Editing a rate in the admin pins it; untick to hand it back to the feed.",
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Staff member who last changed the rate; empty when loaded or refreshed "
        "automatically.",
    )

    class Meta:
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=models.Q(rate_per_eur__gt=0), name="rate_positive"),
        ]

    def __str__(self) -> str:
        return f"1 EUR = {self.rate_per_eur} {self.code}"
