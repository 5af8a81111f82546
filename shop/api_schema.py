"""drf-spectacular's schema machinery, loaded when a schema is generated or its pages are served
instead of in every worker (docs/decisions.md, "A worker without the test tools").

DRF resolves DEFAULT_SCHEMA_CLASS as each `@api_view` decorates its function, and
`@extend_schema` subclasses it as it decorates: with drf-spectacular's AutoSchema named there,
every worker imported its openapi, plumbing and generator modules (1.8 MiB) to serve pages that
never generate a schema. `DeferredAutoSchema` is named instead; before it reads a view, the
schema generator (`shop.api_schema_generator`) makes it drf-spectacular's AutoSchema by giving it
that class as its base, so every subclass `@extend_schema` made and every instance DRF made
becomes one. The schema views are imported at their first request.
"""

from __future__ import annotations

from collections.abc import Callable

from django.utils.module_loading import import_string
from rest_framework.schemas.inspectors import ViewInspector


class DeferredAutoSchema(ViewInspector):
    """drf-spectacular's AutoSchema, once `become_autoschema()` has run."""


def become_autoschema() -> None:
    """Gives DeferredAutoSchema drf-spectacular's AutoSchema as its base (once; imports it)."""
    from drf_spectacular.openapi import AutoSchema

    if DeferredAutoSchema.__bases__ != (AutoSchema,):
        DeferredAutoSchema.__bases__ = (AutoSchema,)


def view_imported_when_requested(class_path: str, **initkwargs) -> Callable:
    """The view `class_path.as_view(**initkwargs)`, imported at its first request."""
    made = []

    def view(request, *args, **kwargs):
        if not made:
            made.append(import_string(class_path).as_view(**initkwargs))
        return made[0](request, *args, **kwargs)

    view.csrf_exempt = True  # as DRF's views are (they check their own authentication)
    return view
