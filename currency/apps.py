from django.apps import AppConfig


class CurrencyConfig(AppConfig):
    name = "currency"

    def ready(self) -> None:
        from . import signals  # noqa: F401 - connects the receivers
