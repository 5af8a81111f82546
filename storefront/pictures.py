"""Product pictures under the original's path scheme, `/static/img/products/<name>.jpg`.

Catalog pictures follow that scheme (docs/compatibility.md) so that an original frontend shows
its own image files for our catalog. Here the same paths show our illustrations: an app's static
`img/products/<name>.svg` when there is one (the original's nine products), else a placeholder
drawn from the name, so a catalog imported from the original's products.json never shows a
broken image. The content is SVG whatever the extension says: browsers go by the Content-Type.
"""

from __future__ import annotations

import functools
from pathlib import Path

from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse
from django.utils.html import escape
from django.views.decorators.http import require_safe

# Browsers cache a picture for a day: the illustrations change with a release, not by the hour.
PICTURE_MAX_AGE = 24 * 60 * 60
# A picture shown on its own (opened in a tab) runs nothing and loads nothing.
PICTURE_CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline'"
PLACEHOLDER = """<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 400 400" role="img" \
aria-label="{label}">
  <rect width="400" height="400" fill="#ece8e1"/>
  <rect x="120" y="110" width="160" height="120" rx="12" fill="none" stroke="#b9b1a4" \
stroke-width="10"/>
  <circle cx="170" cy="150" r="14" fill="#b9b1a4"/>
  <path d="M130 220 L185 170 L220 200 L245 180 L270 220 Z" fill="#b9b1a4"/>
  <text x="200" y="300" font-family="sans-serif" font-size="26" text-anchor="middle" \
fill="#6b6358">{label}</text>
</svg>
"""
# The longest name shown on a placeholder; the route accepts at most 100 characters.
PLACEHOLDER_LABEL_LENGTH = 28


@functools.lru_cache(maxsize=256)
def picture_svg(name: str) -> bytes:
    """Our illustration called `name`, or a placeholder labelled with it. `name` is already
    restricted to letters, digits, `-` and `_` by the route, so the cache stays bounded in use."""
    found = finders.find(f"img/products/{name}.svg")
    if found:
        return Path(found).read_bytes()
    label = name.replace("-", " ").replace("_", " ").strip().capitalize()
    if len(label) > PLACEHOLDER_LABEL_LENGTH:
        label = label[: PLACEHOLDER_LABEL_LENGTH - 1] + "…"
    return PLACEHOLDER.format(label=escape(label or "Picture")).encode()


@require_safe
def product_picture(request: HttpRequest, name: str) -> HttpResponse:
    response = HttpResponse(picture_svg(name), content_type="image/svg+xml")
    response["Cache-Control"] = f"public, max-age={PICTURE_MAX_AGE}"
    response["Content-Security-Policy"] = PICTURE_CONTENT_SECURITY_POLICY
    return response
