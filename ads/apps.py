from django.apps import AppConfig


class AdsConfig(AppConfig):
    name = "ads"

    def ready(self) -> None:
        from . import signals  # noqa: F401 - connects the receivers
