from django.apps import AppConfig


class CurrencyConfig(AppConfig):
    name = "currency"
    # manage.py load_demo runs the apps' load_demo by stage: rates are reference data that need
    # nothing else, so they come first.
    demo_stage = 0

    def ready(self) -> None:
        from . import signals  # noqa: F401 - connects the receivers

    def load_demo(self) -> list[tuple[str, int]]:
        from .services import rates_load_initial

        return [("exchange rates", rates_load_initial())]
