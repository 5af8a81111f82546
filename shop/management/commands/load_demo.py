"""Loads the demo data every service needs (idempotent: running it again changes nothing)."""

from django.core.management.base import BaseCommand

from ads.services import demo_ads_load
from catalog.services import demo_catalog_load
from currency.services import rates_load_initial
from recommendations.services import recommendations_rebuild


class Command(BaseCommand):
    help = "Load the demo catalog, ads and exchange rates (idempotent)."

    def handle(self, *args, **options) -> None:
        loaders = [
            ("exchange rates", rates_load_initial),
            ("products", demo_catalog_load),
            ("ads", demo_ads_load),
            # Builds the neighbours of the demo products, so recommendations show at once.
            ("recommendation rows", recommendations_rebuild),
        ]
        for label, loader in loaders:
            created = loader()
            self.stdout.write(f"{label}: {created} created")
