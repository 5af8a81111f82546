from django.apps import AppConfig


class StorefrontConfig(AppConfig):
    name = "storefront"
    verbose_name = "Storefront (the customer's pages)"

    def ready(self) -> None:
        from storefront import pagecache

        pagecache.connect_signals()
