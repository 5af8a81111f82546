"""A domain error escaping a storefront view becomes the page its kind calls for, and so does a
dependency outage (the database or Redis not answering: a 503 page with Retry-After, never a
500, shop/outages.py); a visit that comes from an ad (`?ad=<id>`) is counted as its click."""

from __future__ import annotations

import logging

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme

from ads.client import AD_CLICK_PARAMETER, ad_client
from shop.errors import NotFound, ShopError
from shop.observability.metrics import dependency_error_observe
from shop.outages import outage, retry_after, retry_after_seconds

from .error_pages import shop_error_page

logger = logging.getLogger(__name__)
# Where an ad never leads (ads.targets): their requests are left alone.
NOT_STOREFRONT = ("/admin/", "/api/", "/static/")
# An ad id is a database id (int64): larger "ids" are not worth a call.
AD_ID_MAX = 2**63 - 1


class ShopErrorPageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception):
        error = exception if isinstance(exception, ShopError) else outage(exception)
        if error is None:
            return None
        if error is not exception:
            dependency_error_observe(exception, "web")
            logger.warning("%s %s: %s (%s)", request.method, request.path, error.code, exception)
        return retry_after(shop_error_page(request, error), retry_after_seconds(error))


class AdClickMiddleware:
    """Ads link to their page with a click parameter (`/product/OLJCESPC7Z?ad=7`: the original's
    scheme, which an original frontend can follow too). Here that visit counts the ad's click
    through the ad client, then redirects to the same page without the parameter, so a reload,
    a bookmark or a shared link is not counted again and the page stays the cached one."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            AD_CLICK_PARAMETER not in request.GET
            or request.method not in ("GET", "HEAD")
            or request.path.startswith(NOT_STOREFRONT)
        ):
            return self.get_response(request)
        ad_id = request.GET[AD_CLICK_PARAMETER]
        digits = ad_id.isascii() and ad_id.isdigit() and len(ad_id) <= len(str(AD_ID_MAX))
        if digits and int(ad_id) <= AD_ID_MAX:
            try:
                ad_client().click(int(ad_id))
            except NotFound:
                pass  # an ad deleted since the page was shown: the visit is still welcome
            except ShopError as error:
                # The ad service down or refusing: the visit still reaches its page, uncounted.
                logger.warning("ad click %s not counted: %s", ad_id, error.message)
        query = request.GET.copy()
        query.pop(AD_CLICK_PARAMETER)
        # `//host/` or `/\\host/` would leave the shop: never redirect there on a visitor's word.
        path = request.path if url_has_allowed_host_and_scheme(request.path, None) else "/"
        location = path + (f"?{query.urlencode()}" if query else "")
        response = HttpResponseRedirect(location)
        add_never_cache_headers(response)
        return response
