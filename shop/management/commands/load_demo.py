"""Loads the demo data every service needs (idempotent: running it again changes nothing).

An app with demo data says so on its AppConfig: `load_demo()` loads it and returns (label, how
many created) pairs, and `demo_stage` orders the apps, lower first (data that others point at or
are built from comes first). The kernel names no app.
"""

from django.apps import apps
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Load the demo catalog, ads and exchange rates (idempotent)."

    def handle(self, *args, **options) -> None:
        configs = [config for config in apps.get_app_configs() if hasattr(config, "load_demo")]
        # sorted is stable: the apps of one stage load in INSTALLED_APPS order.
        for config in sorted(configs, key=lambda config: config.demo_stage):
            for label, created in config.load_demo():
                self.stdout.write(f"{label}: {created} created")
