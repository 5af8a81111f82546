from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "catalog"
    # manage.py load_demo runs the apps' load_demo by stage: the products come before what
    # points at them (ads) or is built from them (recommendations).
    demo_stage = 1

    def ready(self) -> None:
        from . import signals  # noqa: F401 - connects the receivers

    def load_demo(self) -> list[tuple[str, int]]:
        from .services import demo_catalog_load

        return [("products", demo_catalog_load())]
