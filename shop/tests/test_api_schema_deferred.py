"""drf-spectacular's AutoSchema stands behind DeferredAutoSchema until a schema is generated
(shop/api_schema.py): the views DRF and @extend_schema decorated then read as AutoSchema."""

from __future__ import annotations

from django.urls import resolve
from drf_spectacular.openapi import AutoSchema

from shop.api_schema import DeferredAutoSchema, become_autoschema
from shop.api_schema_generator import SchemaGenerator


def test_the_generator_makes_every_views_schema_drf_spectaculars():
    SchemaGenerator()
    assert issubclass(DeferredAutoSchema, AutoSchema)
    # An @api_view decorated with @extend_schema (shop/api.py's not-found answer) and a class
    # view (the API root): their schemas were made from DeferredAutoSchema as the modules loaded.
    for path in ("/api/v1/no-such-thing", "/api/v1/"):
        view = resolve(path).func
        schema = view.cls.schema if hasattr(view, "cls") else view.schema
        assert isinstance(schema, AutoSchema), path


def test_becoming_autoschema_twice_changes_nothing():
    become_autoschema()
    become_autoschema()
    assert DeferredAutoSchema.__bases__ == (AutoSchema,)


def test_the_schema_views_load_at_their_first_request(client):
    assert client.get("/api/v1/schema/").status_code == 200
    assert client.get("/api/v1/docs/").status_code == 200
