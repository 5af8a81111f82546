"""`{% load ads %}{% ad_banner context_keys %}`: the page's ads, or nothing at all when the ad
service fails, is slow or its circuit breaker is open (ads are optional on a page)."""

import functools
from collections.abc import Iterable

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from ads.client import ad_client
from shop.dto import Ad
from shop.resilience import call_optional

register = template.Library()


@register.simple_tag
def ad_banner(context_keys: Iterable[str] | str = ()) -> SafeString:
    """`context_keys`: the page's product categories, as a list or a comma-separated string."""
    if isinstance(context_keys, str):
        context_keys = context_keys.split(",")
    keys = tuple(key.strip() for key in context_keys if key and key.strip())
    client = ad_client()
    # Ads at hand need no deadline or worker thread (handing a call to the pool would cost more
    # than the call).
    ads = client.ads_at_hand(keys)
    if ads is None:
        ads = call_optional("ads", lambda: client.get_ads(keys))
    return banner_html(tuple(ads or ()))


# Kept by content (an edited ad is another key): a page view chooses among few live ads.
@functools.lru_cache(maxsize=256)
def banner_html(ads: tuple[Ad, ...]) -> SafeString:
    """A banner of ad cards, each labelled "Ad", with its text and a call to action; the whole
    card is the link to the counted click URL. Built in Python rather than from a template, and
    remembered per choice of ads: it goes into every page view."""
    if not ads:
        return SafeString("")
    cards = format_html_join(
        "\n  ",
        '<a class="ad" href="{}" rel="sponsored nofollow"><span class="ad-label">Ad</span>'
        '<span class="ad-text">{}</span><span class="ad-cta">Shop now</span></a>',
        ((ad.redirect_url, ad.text) for ad in ads),
    )
    return format_html(
        '<aside class="ad-banner" aria-label="Advertisement">\n  {}\n</aside>', cards
    )
