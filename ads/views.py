"""Storefront edge of the ads service: the counted click."""

from django.http import HttpRequest, HttpResponseRedirect
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from . import services


@require_GET
@never_cache
def ad_click(request: HttpRequest, ad_id: int) -> HttpResponseRedirect:
    # An unknown id raises AdNotFound, which the storefront shows as its 404 page.
    return HttpResponseRedirect(services.ad_click(ad_id=ad_id))
