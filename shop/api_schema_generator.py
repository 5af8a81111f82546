"""drf-spectacular's schema generator, with the shop's DeferredAutoSchema made its AutoSchema
first (shop/api_schema.py). Named by SPECTACULAR_SETTINGS["DEFAULT_GENERATOR_CLASS"], so the
schema view and `manage.py spectacular` both use it; imported only by them."""

from __future__ import annotations

from drf_spectacular.generators import SchemaGenerator as SpectacularSchemaGenerator

from shop.api_schema import become_autoschema


class SchemaGenerator(SpectacularSchemaGenerator):
    def __init__(self, *args, **kwargs) -> None:
        become_autoschema()
        super().__init__(*args, **kwargs)
