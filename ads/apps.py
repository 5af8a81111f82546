from django.apps import AppConfig


class AdsConfig(AppConfig):
    name = "ads"
    # manage.py load_demo runs the apps' load_demo by stage: the demo ads point at the demo
    # products, so they come after them.
    demo_stage = 2

    def ready(self) -> None:
        from . import signals  # noqa: F401 - connects the receivers

    def load_demo(self) -> list[tuple[str, int]]:
        from .services import demo_ads_load

        return [("ads", demo_ads_load())]
