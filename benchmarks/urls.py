from django.http import HttpResponse
from django.urls import include, path


def hello(request):
    return HttpResponse("hello", content_type="text/plain")


urlpatterns = [path("_bench/hello", hello), path("", include("shop.urls"))]

handler400 = "storefront.error_pages.bad_request"
handler403 = "storefront.error_pages.permission_denied"
handler404 = "storefront.error_pages.page_not_found"
handler500 = "storefront.error_pages.server_error"
