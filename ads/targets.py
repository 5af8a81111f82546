"""What an ad may point at and be shown with: validation shared by the model, services and the
click redirect (defence in depth against an open redirect)."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.core.exceptions import ValidationError
from django.utils.http import url_has_allowed_host_and_scheme

from catalog.client import catalog_client
from shop.errors import NotFound, ServiceUnavailable

PRODUCT_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
CONTEXT_KEY = re.compile(r"[a-z0-9][a-z0-9_-]{0,49}")
# Pages of the shop that are not the storefront: an ad never sends a customer there.
NOT_STOREFRONT = ("/admin/", "/api/")
# The query parameter that marks a visit as an ad's click (`/product/OLJCESPC7Z?ad=7`): the
# storefront counts it and redirects to the page without it (storefront.middleware).
AD_CLICK_PARAMETER = "ad"


def is_shop_path(target: str) -> bool:
    """A path on this site's storefront: no scheme, no host, no `//` or `\\` tricks."""
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return False
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in target):
        return False
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return False
    if any(parts.path.startswith(prefix) for prefix in NOT_STOREFRONT):
        return False
    return url_has_allowed_host_and_scheme(target, allowed_hosts=None)


def validate_target(target: str) -> None:
    if target.startswith("/"):
        if not is_shop_path(target):
            raise ValidationError(
                "A target path must be a storefront page of this shop, such as /cart or "
                "/product/OLJCESPC7Z: no other site, no /admin/ or /api/."
            )
    elif not PRODUCT_ID.fullmatch(target):
        raise ValidationError(
            "The target must be a product id (letters and digits, e.g. OLJCESPC7Z) or a path "
            "inside the shop that starts with / (e.g. /cart). Links to other sites are not allowed."
        )


def target_url(target: str) -> str:
    """Where a click on the ad leads: the product page, or the path itself."""
    return target if target.startswith("/") else f"/product/{target}"


def tracked_url(url: str, ad_id: int) -> str:
    """`url` with the ad's click parameter: what an ad links to on the wire. An original
    frontend follows it to its own page (the parameter is ignored there); ours counts it."""
    parts = urlsplit(url)
    query = [
        (key, value)
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
        if key != AD_CLICK_PARAMETER
    ]
    query.append((AD_CLICK_PARAMETER, str(ad_id)))
    return urlunsplit(("", "", parts.path, urlencode(query), parts.fragment))


def parse_context_keys(text: str) -> tuple[str, ...]:
    """'Kitchen, decor ,kitchen' -> ('decor', 'kitchen'): lower-case, unique, sorted."""
    return tuple(sorted({key.strip().lower() for key in text.split(",") if key.strip()}))


def validate_context_keys(text: str) -> None:
    bad = [key for key in parse_context_keys(text) if not CONTEXT_KEY.fullmatch(key)]
    if bad:
        raise ValidationError(
            f"Not a category key: {', '.join(bad)}. Use lower-case letters, digits, - or _ "
            "(up to 50 characters), separated by commas."
        )


def check_product_exists(product_id: str) -> None:
    """Staff get told at once when a target product is not (or no longer) in the catalog."""
    try:
        catalog_client().get_product(product_id)
    except NotFound as error:
        raise ValidationError({"target": error.message}) from error
    except ServiceUnavailable as error:
        raise ValidationError(
            {"target": f"Cannot check the product now: {error.message}"}
        ) from error
