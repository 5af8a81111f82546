"""The counted ad click: the ad service counts it and names the target."""

from django.http import HttpRequest, HttpResponseRedirect
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from ads.client import ad_client


@require_GET
@never_cache
def ad_click(request: HttpRequest, ad_id: int) -> HttpResponseRedirect:
    # Through the client, so a storefront with AD_SERVICE_ADDR set counts the click remotely. An
    # unknown id raises AdNotFound, which the storefront shows as its 404 page.
    return HttpResponseRedirect(ad_client().click(ad_id))
