import re

from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve

from shop import api, api_root, health
from shop.api_schema import view_imported_when_requested
from shop.observability import readiness

api_v1 = [
    path("", api_root.ApiRootView.as_view(), name="api-root"),
    path("", include("catalog.api")),
    path("", include("currency.api")),
    path("", include("cart.api")),
    path("", include("payments.api")),
    path("", include("shipping.api")),
    path("", include("notifications.api")),
    path("", include("checkout.api")),
    path("", include("recommendations.api")),
    path("", include("ads.api")),
    # drf-spectacular's views load with their first request (shop/api_schema.py).
    path(
        "schema/",
        view_imported_when_requested("drf_spectacular.views.SpectacularAPIView"),
        name="api-schema",
    ),
    # The split view serves its init script as a file: our CSP forbids inline scripts.
    path(
        "docs/",
        view_imported_when_requested(
            "drf_spectacular.views.SpectacularSwaggerSplitView", url_name="api-schema"
        ),
        name="api-docs",
    ),
    # Last: any other path under /api/v1/ is answered as a problem+json 404, not the HTML page.
    re_path(r"", api.api_not_found),
]

urlpatterns = [
    path("_healthz", health.healthz, name="healthz"),
    path("readyz", readiness.readyz, name="readyz"),
    path("admin/sales/", include("checkout.admin_urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("", include("storefront.urls")),
]


def media(request, path: str):
    """The embedded shop's uploads (product pictures), from MEDIA_ROOT. Only images Pillow has
    checked are ever stored there; a deployment with several processes uses shared storage
    (MEDIA_STORAGE_BACKEND), which serves them itself."""
    return serve(request, path, document_root=settings.MEDIA_ROOT)


if settings.SERVE_MEDIA:
    prefix = re.escape(settings.MEDIA_URL.lstrip("/"))
    urlpatterns.append(re_path(rf"^{prefix}(?P<path>.+)$", media, name="media"))

handler400 = "storefront.error_pages.bad_request"
handler403 = "storefront.error_pages.permission_denied"
handler404 = "storefront.error_pages.page_not_found"
handler500 = "storefront.error_pages.server_error"
