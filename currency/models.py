from django.conf import settings
from django.db import models


class ExchangeRate(models.Model):
    """How many units of `code` one euro buys (the ECB's convention)."""

    code = models.CharField("currency", max_length=3, primary_key=True)
    rate_per_eur = models.DecimalField(max_digits=20, decimal_places=10)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=models.Q(rate_per_eur__gt=0), name="rate_positive"),
        ]

    def __str__(self) -> str:
        return f"1 EUR = {self.rate_per_eur} {self.code}"
