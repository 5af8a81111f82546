from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from shop import api, api_root, health
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
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves its init script as a file: our CSP forbids inline scripts.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
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

handler400 = "storefront.error_pages.bad_request"
handler403 = "storefront.error_pages.permission_denied"
handler404 = "storefront.error_pages.page_not_found"
handler500 = "storefront.error_pages.server_error"
