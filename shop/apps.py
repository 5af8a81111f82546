from django.apps import AppConfig


class ShopConfig(AppConfig):
    name = "shop"
    verbose_name = "Shop (storefront and shared kernel)"

    def ready(self) -> None:
        from shop import pagecache

        pagecache.connect_signals()
